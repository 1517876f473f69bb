import Foundation
import HaloArtifacts
import HaloCore
import Testing
@testable import HaloSentinel

/// Settlement statements on the shipped feed: what they say, that they match `halo state`,
/// and that a signature or journal check catches a single flipped byte.
@Suite struct SettlementStatementTests {
    /// Runs the shipped feed's events up to (not including) `until`, then the clock to `until`.
    static func run(until: String, harness: GovernanceHarness) throws -> SentinelService {
        let service = try harness.service()
        let text = try String(contentsOfFile: GovernanceHarness.feedPath, encoding: .utf8)
        let lines = text.split(separator: "\n").enumerated().map { (String($1), $0 + 1) }
            .filter { line in line.0.components(separatedBy: "\"at\":\"")[1].prefix(20) < until }
        try service.process(lines: lines, file: "three-weeks.jsonl")
        try service.advance(to: GovernanceHarness.time(until))
        return service
    }

    @Test func theStatementOfAShippedFeedsDayMatchesTheStateAtThatMoment() throws {
        let harness = try GovernanceHarness()
        // Tuesday's settlement; nothing happens between 16:00 and the next morning's events.
        let service = try Self.run(until: "2026-03-03T16:00:00Z", harness: harness)
        defer { service.close() }
        let state = service.state()
        for unit in service.unitNames {
            let found = try #require(try SentinelService.statement(stateDirectory: harness.state, unit: unit, epoch: "2026-03-03"))
            let statement = found.statement
            let now = try #require(state[unit])
            #expect(statement["schema"] == .string("halo.statement/1"))
            #expect(statement["balances"]?["closing"]?["accounts"] == now["accounts"], "\(unit)")
            #expect(statement["balances"]?["closing"]?["unit_accounts"] == now["unit_accounts"], "\(unit)")
            #expect(statement["exchange_rate"]?["new"] == now["exchange_rate"], "\(unit)")
            #expect(statement["queues"]?["subscribe"]?["after"] == now["queues"]?["subscribe"]?["total_underlying"], "\(unit)")
            #expect(statement["queues"]?["redeem"]?["after"] == now["queues"]?["redeem"]?["total_underlying"], "\(unit)")
            #expect(statement["revision"] == .int(1))
            // Monday's closing is Tuesday's opening.
            let monday = try #require(try SentinelService.statement(stateDirectory: harness.state, unit: unit, epoch: "2026-03-02"))
            #expect(statement["balances"]?["opening"] == monday.statement["balances"]?["closing"], "\(unit)")
            #expect(statement["exchange_rate"]?["previous"] == monday.statement["exchange_rate"]?["new"], "\(unit)")
            #expect(statement["opened_at"] == .string("2026-03-02T16:00:00Z"))
            // It rests on a journal record before its own.
            guard case .int(let seq)? = statement["journal"]?["seq"] else { Issue.record("no journal.seq"); continue }
            #expect(seq < found.record.seq)
        }
        // The converted amounts are the settlement's: tbill-a converts Monday's subscriptions.
        let tbill = try #require(try SentinelService.statement(stateDirectory: harness.state, unit: "tbill-a", epoch: "2026-03-02")).statement
        #expect(tbill["converted"]?["subscribe"]?["underlying"] != .string("0"), "\(tbill.serialized())")
    }

    @Test func aSignedStatementVerifiesAndOneFlippedByteDoesNot() throws {
        let harness = try GovernanceHarness()
        let service = try Self.run(until: "2026-03-03T16:00:00Z", harness: harness)
        service.close()
        let key = harness.root + "/auditor.key"
        _ = try SettlementStatement.generateKey(at: key)
        let statement = try #require(try SentinelService.statement(stateDirectory: harness.state, unit: "mmf-a", epoch: "2026-03-03")).statement
        let signed = try SentinelService.signStatement(statement, keyFile: key)
        try SentinelService.verifyStatement(signed, publicKeyFile: key + ".pub", stateDirectory: harness.state)

        // One byte of the statement: a digit of the closing exchange rate.
        var text = signed.serialized()
        guard case .string(let rate)? = statement["exchange_rate"]?["new"] else { Issue.record("no rate"); return }
        let flippedRate = String(rate.dropLast()) + (rate.last == "1" ? "2" : "1")
        text = text.replacingOccurrences(of: "\"new\":\"\(rate)\"", with: "\"new\":\"\(flippedRate)\"")
        let altered = try JSONParser.parse(text)
        do {
            try SentinelService.verifyStatement(altered, publicKeyFile: key + ".pub", stateDirectory: nil)
            Issue.record("an altered statement verified")
        } catch {
            #expect(error.code == "statement-mismatch")
            #expect(error.message.contains("signature"))
        }
        // Another key does not verify it either.
        let other = harness.root + "/other.key"
        _ = try SettlementStatement.generateKey(at: other)
        // keygen never replaces a pair: the statement signed above still verifies afterwards.
        let before = try String(contentsOfFile: key, encoding: .utf8)
        do {
            _ = try SettlementStatement.generateKey(at: key)
            Issue.record("keygen overwrote a key")
        } catch { #expect(error.code == "key-exists", "\(error)") }
        try FileManager.default.removeItem(atPath: other)  // a lone .pub left behind blocks it too
        #expect(throws: StatementError.self) { _ = try SettlementStatement.generateKey(at: other) }
        #expect(try String(contentsOfFile: key, encoding: .utf8) == before)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o077 == 0, "private key mode \(String(mode.intValue, radix: 8))")
        try SentinelService.verifyStatement(signed, publicKeyFile: key + ".pub", stateDirectory: harness.state)
        #expect(throws: StatementError.self) { try SentinelService.verifyStatement(signed, publicKeyFile: other + ".pub", stateDirectory: nil) }

        // One byte of the journal: a character inside the statement's record.
        let files = [harness.state + "/journal.sqlite", harness.state + "/journal.sqlite-wal"]
        let needle = Array("\"epoch\":\"2026-03-03\"".utf8)
        // (Every copy of it: SQLite may also keep stale copies in free pages.)
        var flipped = false
        for file in files {
            guard var bytes = FileManager.default.contents(atPath: file).map(Array.init) else { continue }
            var from = 0
            while let index = Self.firstIndex(of: needle, in: bytes, from: from) {
                from = index + needle.count
                // Only mmf-a's statement: the next "unit" field after its epoch names the Unit.
                guard let unit = Self.firstIndex(of: Array("\"unit\":\"".utf8), in: bytes, from: from),
                      bytes[unit + 8..<min(bytes.count, unit + 14)].elementsEqual("mmf-a\"".utf8) else { continue }
                bytes[index + 9] = UInt8(ascii: "3")   // "2026-..." -> "3026-...": one byte per copy
                flipped = true
            }
            try Data(bytes).write(to: URL(fileURLWithPath: file))
        }
        #expect(flipped, "the statement's record was found in the journal file")
        do {
            try SentinelService.verifyStatement(signed, publicKeyFile: key + ".pub", stateDirectory: harness.state)
            Issue.record("a tampered journal verified")
        } catch {
            #expect(error.code == "statement-mismatch")
            #expect(error.message.contains("hash"), "\(error.message)")
        }
    }

    @Test func canonicalJSONSortsKeysAndHasNoWhitespace() {
        let value = JSONValue.object([("b", .int(1)), ("a", .object([("d", .string("x y")), ("c", .array([.null, .bool(true)]))]))])
        #expect(SettlementStatement.canonical(value) == #"{"a":{"c":[null,true],"d":"x y"},"b":1}"#)
        #expect(SettlementStatement.change(from: "1", to: "1.0001") == "+0.0001")
        #expect(SettlementStatement.change(from: "1.02", to: "1") == "-0.02")
        #expect(SettlementStatement.change(from: "1", to: "1") == "0")
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] && Array(haystack[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }
}
