import Crypto
import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal

/// Settlement statements: after each Unit's daily settlement the Sentinel journals one
/// statement (record kind `statement`, event id `statement:<unit>:<epoch>`), the schema of
/// docs/reference/statement.md. It is built at the settlement from the Unit's state before
/// and after, and written after the settlement's own record commits, naming the journal
/// head (seq and chain hash) it rests on.
extension SentinelService {
    static let statementKind = JournalRecordKind("statement")

    /// The statement's journal event id.
    public static func statementID(unit: String, epoch: String) -> String { "statement:\(unit):\(epoch)" }

    /// Watches `sentinel`'s settlements.
    func observeSettlements(_ sentinel: UnitSentinel) {
        sentinel.onSettlement = { [unowned self] sentinel, moment in self.settled(sentinel, moment) }
    }

    /// Builds the statement of a settlement that just happened and queues it.
    func settled(_ sentinel: UnitSentinel, _ moment: SettlementMoment) {
        let name = sentinel.artifact.name
        let after = sentinel.snapshot()
        let time = moment.time
        let date = time.date
        let epoch = String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
        func balances(_ state: JSONValue?) -> JSONValue {
            .object([("accounts", state?["accounts"] ?? .object([])), ("unit_accounts", state?["unit_accounts"] ?? .object([]))])
        }
        func queueTotal(_ state: JSONValue, _ queue: String) -> JSONValue { state["queues"]?[queue]?["total_underlying"] ?? .null }
        // Signals and actions of the epoch: those printed already, then those still in the Unit's logs.
        var book = statementBook
        book.note(sentinel, signalsFrom: 0, actionsFrom: 0)
        let signals = (book.signals[name] ?? []).filter { Self.time(of: $0).map { $0 <= time } ?? true }
        let actions = (book.actions[name] ?? []).filter { Self.time(of: $0).map { $0 <= time } ?? true }
        statementBook.signals[name] = []
        statementBook.actions[name] = []
        statementBook.cutoff[name] = time

        let entry = sentinel.settleEntry(at: time)
        func parameter(_ key: String) -> JSONValue { .string(entry?.parameters[key] ?? "0") }
        let previousText: String = { if case .string(let text)? = moment.before["exchange_rate"] { return text } else { return "0" } }()
        let newText: String = { if case .string(let text)? = after["exchange_rate"] { return text } else { return "0" } }()
        let opening = statementBook.lastClosing[name]
        let identity = sentinel.policyIdentity
        let body: [(String, JSONValue)] = [
            ("schema", .string(SettlementStatement.schema)),
            ("halo", .string(halo.name)),
            ("unit", .string(name)),
            ("epoch", .string(epoch)),
            ("opened_at", opening.map { .string($0.time.iso8601) } ?? .null),
            ("settled_at", .string(time.iso8601)),
            ("revision", .int(Int64(halo.revision))),
            ("policy", .object([("file", .string(PolicyHost.chunkName(identity.file))), ("sha256", identity.sha256.map { .string($0) } ?? .null)])),
            ("assets", .object([("underlying", .string(sentinel.artifact.underlying)), ("share", .string(sentinel.artifact.share))])),
            ("balances", .object([("opening", balances(opening?.state)), ("closing", balances(after))])),
            ("queues", .object([
                ("subscribe", .object([("before", queueTotal(moment.before, "subscribe")), ("after", queueTotal(after, "subscribe"))])),
                ("redeem", .object([("before", queueTotal(moment.before, "redeem")), ("after", queueTotal(after, "redeem"))])),
            ])),
            ("converted", .object([
                ("subscribe", .object([("underlying", parameter("subscribe.converted")), ("shares", parameter("subscribe.minted"))])),
                ("redeem", .object([("shares", parameter("redeem.converted")), ("underlying", parameter("redeem.minted"))])),
                ("matched", parameter("matched")),
                ("to_asset_manager", parameter("to_asset_manager")),
                ("from_asset_manager", parameter("from_asset_manager")),
            ])),
            ("exchange_rate", .object([("previous", .string(previousText)), ("new", .string(newText)),
                                       ("change", .string(SettlementStatement.change(from: previousText, to: newText)))])),
            ("signals", .array(signals)),
            ("actions", .array(actions)),
        ]
        statementBook.lastClosing[name] = (time, after)
        statementBook.due.append((name, epoch, time, body))
    }

    static func time(of value: JSONValue) -> Timestamp? {
        guard case .string(let text)? = value["time"] else { return nil }
        return try? Timestamp(iso8601: text)
    }

    /// Journals the statements built since the last commit, resting on the journal's head.
    /// A statement already journaled (rebuilt by a replay) is skipped by its event id.
    func writeDueStatements() {
        guard !statementBook.due.isEmpty else { return }
        let due = statementBook.due
        statementBook.due = []
        do {
            guard let head = try journal.lastRecord else { return }
            let drafts = due.map { item -> JournalRecordDraft in
                let statement = JSONValue.object(item.body + [("journal", .object([("seq", .int(head.seq)), ("hash", .string(head.hash))]))])
                return JournalRecordDraft(kind: Self.statementKind, eventID: Self.statementID(unit: item.unit, epoch: item.epoch),
                                          unit: item.unit, time: item.time.iso8601, payload: SettlementStatement.canonical(statement))
            }
            _ = try journal.appendSkippingDuplicates(drafts)
        } catch {
            onLog("settlement statements not journaled: \(error)")
        }
    }

    /// The journaled statement of `unit` for `epoch` (YYYY-MM-DD) in `stateDirectory`, with its record.
    public static func statement(stateDirectory: String, unit: String, epoch: String) throws -> (record: JournalRecord, statement: JSONValue)? {
        let journal = try Journal(directory: URL(fileURLWithPath: stateDirectory), configuration: JournalConfiguration(role: .reader))
        defer { try? journal.close() }
        guard let seq = try journal.seq(ofEventID: statementID(unit: unit, epoch: epoch)) else { return nil }
        var cursor = journal.records(from: seq, pageSize: 1)
        guard let record = try cursor.next(), record.kind == statementKind else { return nil }
        return (record, try JSONParser.parse(record.payload))
    }
}

extension SentinelService {
    /// Signs `statement` with the private key in `keyFile` (see ``SettlementStatement/sign(_:with:)``).
    public static func signStatement(_ statement: JSONValue, keyFile: String) throws -> JSONValue {
        try SettlementStatement.sign(statement, with: try SettlementStatement.privateKey(at: keyFile))
    }

    /// Verifies a signed statement: the signature against the public key in `publicKeyFile`;
    /// with `stateDirectory`, also the journal's hash chain, that the journal holds this very
    /// statement (same canonical JSON), and that the record it rests on has the hash it names.
    /// Throws `statement-invalid` for unreadable input and `statement-mismatch` with the reason.
    public static func verifyStatement(_ document: JSONValue, publicKeyFile: String, stateDirectory: String?) throws(StatementError) {
        let key = try SettlementStatement.publicKey(at: publicKeyFile)
        try SettlementStatement.verifySignature(of: document, key: key)
        guard let stateDirectory else { return }
        guard let statement = document["statement"], case .string(let unit)? = statement["unit"], case .string(let epoch)? = statement["epoch"],
              case .int(let restsOn)? = statement["journal"]?["seq"], case .string(let restsOnHash)? = statement["journal"]?["hash"] else {
            throw StatementError.invalid("the statement lacks unit, epoch or journal.seq/hash")
        }
        do {
            let journal = try Journal(directory: URL(fileURLWithPath: stateDirectory), configuration: JournalConfiguration(role: .reader))
            defer { try? journal.close() }
            let verification = try journal.verify()
            if let failure = verification.failure { throw StatementError.mismatch("the journal's hash chain is broken: \(failure.message)") }
            guard let seq = try journal.seq(ofEventID: statementID(unit: unit, epoch: epoch)) else {
                throw StatementError.mismatch("the journal holds no statement for unit '\(unit)' epoch \(epoch)")
            }
            var cursor = journal.records(from: seq, pageSize: 1)
            guard let record = try cursor.next() else { throw StatementError.mismatch("journal record \(seq) is missing") }
            let journaled = try JSONParser.parse(record.payload)
            guard SettlementStatement.canonical(journaled) == SettlementStatement.canonical(statement) else {
                let fields = differingFields(journaled, statement)
                throw StatementError.mismatch("the statement differs from journal record \(seq) in \(fields.joined(separator: ", "))")
            }
            var base = journal.records(from: restsOn, pageSize: 1)
            guard let anchor = try base.next(), anchor.seq == restsOn, anchor.hash == restsOnHash else {
                throw StatementError.mismatch("journal record \(restsOn), which the statement rests on, does not have hash \(restsOnHash)")
            }
        } catch let error as StatementError {
            throw error
        } catch {
            throw StatementError.invalid("\(stateDirectory): \(error)")
        }
    }

    static func differingFields(_ a: JSONValue, _ b: JSONValue, prefix: String = "") -> [String] {
        guard case .object(let left) = a, case .object(let right) = b else { return [prefix.isEmpty ? "(root)" : prefix] }
        var keys = Set(left.map(\.0)).union(right.map(\.0)).sorted()
        keys = keys.filter { key in
            SettlementStatement.canonical(a[key] ?? .null) != SettlementStatement.canonical(b[key] ?? .null)
        }
        return keys.flatMap { key -> [String] in
            let path = prefix.isEmpty ? key : prefix + "." + key
            if case .object = a[key] ?? .null, case .object = b[key] ?? .null { return differingFields(a[key]!, b[key]!, prefix: path) }
            return [path]
        }
    }
}
