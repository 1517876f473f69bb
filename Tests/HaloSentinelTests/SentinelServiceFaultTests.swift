import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal
import Testing
@testable import HaloSentinel

/// A Halo of one Unit in a temporary directory, run by a `SentinelService` on the simulated clock.
struct ServiceHarness {
    let root: String
    var policyPath: String { root + "/policy.lua" }
    var haloPath: String { root + "/halo.yaml" }
    var state: String { root + "/state" }

    /// v1: converts everything, raises nothing.
    static let quietPolicy = """
    local P = {}
    function P.settle(ctx)
      return { subscribe = ctx.queues.subscribe.total_underlying, redeem = ctx.queues.redeem.total_underlying,
               exchange_rate = ctx.exchange_rate }
    end
    function P.signals(ctx) return {} end
    return P
    """
    /// v2: the same, but always raises STALE_REPORT.
    static let loudPolicy = """
    local P = {}
    function P.settle(ctx)
      return { subscribe = ctx.queues.subscribe.total_underlying, redeem = ctx.queues.redeem.total_underlying,
               exchange_rate = ctx.exchange_rate }
    end
    function P.signals(ctx) return { { code = "STALE_REPORT", severity = "warning", message = "v2 always warns" } } end
    return P
    """

    init(policy: String = ServiceHarness.quietPolicy, pin: String? = nil, template: (file: String, sha256: String)? = nil,
         policyFile: String = "policy.lua") throws {
        root = NSTemporaryDirectory() + "halo-service-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try policy.write(toFile: root + "/policy.lua", atomically: true, encoding: .utf8)
        let sha = template?.sha256 ?? String(repeating: "0", count: 64)
        let templateFile = template.map { ", file: \($0.file)" } ?? ""
        let pinText = pin.map { ", sha256: \"\($0)\"" } ?? ""
        try """
        unit: test-a
        assets: { underlying: USDS, share: TEST-A }
        template: { name: lcts-unit, sha256: "\(sha)"\(templateFile) }
        policy: { file: \(policyFile)\(pinText) }
        rate_limits:
          deposit:  { max: "10000", slope: "1" }
          withdraw: unlimited
        configurator: { hop: "18h", max_change: "1.25", inits: { deposit: { max: "10000", slope: "1" } } }
        signals: [STALE_REPORT]
        responses: [alert]
        reporting: [nav, holdings]
        """.write(toFile: root + "/unit.yaml", atomically: true, encoding: .utf8)
        try """
        halo: test-halo
        revision: 3
        settlement: { lock: "13:00", settle: "16:00", skip: [saturday, sunday] }
        units: [unit.yaml]
        """.write(toFile: root + "/halo.yaml", atomically: true, encoding: .utf8)
    }

    /// Why the Sentinel refused to start, or nil when it started (then it is closed).
    func startFailure() -> ServiceError? {
        do {
            let service = try SentinelService(haloPath: haloPath, stateDirectory: state, clock: .sim, synchronous: .normal)
            service.close()
            return nil
        } catch {
            return error
        }
    }

    func service() throws -> SentinelService {
        try SentinelService(haloPath: haloPath, stateDirectory: state, clock: .sim, synchronous: .normal)
    }

    static func line(_ at: String, _ body: String, id: String? = nil) -> String {
        #"{"unit":"test-a","at":"\#(at)",\#(id.map { #""id":"\#($0)","# } ?? "")\#(body)}"#
    }

    static func sha(_ text: String) -> String { FileDigest.sha256(Data(text.utf8)) }

    static func records(_ service: SentinelService) throws -> [JournalRecord] {
        var cursor = service.journal.records(from: 1)
        var all: [JournalRecord] = []
        while let record = try cursor.next() { all.append(record) }
        return all
    }
}

@Suite struct SentinelServiceFaultTests {
    typealias H = ServiceHarness

    /// Feeds `lines`, each with an id of its own (a default id is FILE:LINE, and every call starts at line 1).
    func feed(_ service: SentinelService, _ lines: [String]) throws {
        try service.process(lines: lines.enumerated().map { ($1, $0 + 1) }, file: "feed-\(UUID().uuidString)")
    }

    // MARK: Kind 1: attribution after a deferred reload

    @Test func deferredReloadIsAttributedToThePolicyThatActuallyDecided() throws {
        let harness = try H()
        let service = try harness.service()
        defer { service.close() }
        var decisions: [JSONValue] = []
        var logs: [String] = []
        service.onDecision = { decisions.append($0) }
        service.onLog = { logs.append($0) }
        let v1 = H.sha(H.quietPolicy), v2 = H.sha(H.loudPolicy)

        try feed(service, [H.line("2026-03-02T08:00:00Z", #""fund":{"account":"alice","asset":"USDS","amount":"1000"}"#),
                           H.line("2026-03-02T09:00:00Z", #""subscribe":{"account":"alice","amount":"100"}"#),
                           H.line("2026-03-02T14:00:00Z", #""tick":{}"#)])
        // Saved at 14:00, inside the processing window: deferred.
        try H.loudPolicy.write(toFile: harness.policyPath, atomically: true, encoding: .utf8)
        let outcome = try service.reloadPolicy(unit: "test-a", file: harness.policyPath, runTests: false)
        #expect(outcome.accepted)
        try feed(service, [H.line("2026-03-02T17:00:00Z", #""tick":{}"#)])

        func index(_ predicate: (JSONValue) -> Bool) -> Int? { decisions.firstIndex(where: predicate) }
        let signals16 = try #require(index { $0["hook"] == .string("signals") && $0["time"] == .string("2026-03-02T16:00:00Z") })
        #expect(decisions[signals16]["policy"]?["sha256"] == .string(v1), "the 16:00 signals call was made by v1")
        #expect(decisions[signals16]["result"] == .array([]))
        let swap = try #require(index { $0["type"] == .string("reload") && $0["status"] == .string("swapped") })
        #expect(swap > signals16, "the swap record follows the old policy's post-settlement calls")
        #expect(decisions[swap]["sha256"] == .string(v2))
        #expect(decisions[swap]["previous"]?["sha256"] == .string(v1))
        #expect(decisions[swap]["time"] == .string("2026-03-02T16:00:00Z"))
        #expect(decisions[swap]["requested_at"] == .string("2026-03-02T14:00:00Z"))
        #expect(decisions[swap]["deferred"] == .bool(true))
        #expect(decisions[swap]["revision"] == .int(3))
        let signals17 = try #require(index { $0["hook"] == .string("signals") && $0["time"] == .string("2026-03-02T17:00:00Z") })
        #expect(decisions[signals17]["policy"]?["sha256"] == .string(v2))
        let raised = try #require(index { $0["type"] == .string("signal") })
        #expect(decisions[raised]["policy"]?["sha256"] == .string(v2))
        // Every decision line names a policy and the revision.
        for line in decisions where line["type"] != .string("reload") {
            #expect(line["policy"]?["sha256"] != nil && line["revision"] == .int(3), "\(line.serialized())")
        }
        // The deferral and the swap are both logged on stderr.
        #expect(logs.contains { $0.contains("deferred until after settlement") })
        #expect(logs.contains { $0.contains("swapped in, sha256 \(v2.prefix(12))") && $0.contains("deferred from 2026-03-02T14:00:00Z") })

        // The journal: the swap is a reload record after the record holding the 16:00 calls, and
        // each clock move and event names the policy that made its calls.
        let records = try H.records(service)
        let reloads = records.filter { $0.kind == .reload }.map { try! JSONParser.parse($0.payload) }
        #expect(reloads.map { $0["status"] } == [.string("deferred"), .string("swapped")])
        let swapRecord = try #require(records.first { $0.kind == .reload && $0.payload.contains("\"swapped\"") })
        let carrier = try #require(records.last { $0.seq < swapRecord.seq && $0.kind == .event })
        let clocks = try JSONParser.parse(carrier.payload)["clocks"]
        guard case .array(let entries)? = clocks, let entry = entries.first else { Issue.record("no clock move"); return }
        #expect(entry["policy"]?["sha256"] == .string(v1))
        guard case .array(let marks)? = entry["swaps"], let mark = marks.first else { Issue.record("no swap mark"); return }
        #expect(mark["policy"]?["sha256"] == .string(v2))
        #expect(try JSONParser.parse(carrier.payload)["policy"]?["sha256"] == .string(v2))
    }

    @Test func anImmediateSwapHasTheSameRecordShape() throws {
        let harness = try H()
        let service = try harness.service()
        defer { service.close() }
        var decisions: [JSONValue] = []
        service.onDecision = { decisions.append($0) }
        try feed(service, [H.line("2026-03-02T09:00:00Z", #""tick":{}"#)])
        try H.loudPolicy.write(toFile: harness.policyPath, atomically: true, encoding: .utf8)
        _ = try service.reloadPolicy(unit: "test-a", file: harness.policyPath, runTests: false)
        let swap = try #require(decisions.first { $0["type"] == .string("reload") })
        guard case .object(let pairs) = swap else { Issue.record("not an object"); return }
        #expect(pairs.map(\.0) == ["id", "type", "unit", "revision", "time", "status", "file", "sha256", "previous", "requested_at",
                                   "deferred", "accepted", "event", "message"])
        #expect(swap["status"] == .string("swapped") && swap["deferred"] == .bool(false))
        #expect(swap["sha256"] == .string(H.sha(H.loudPolicy)))
    }

    // MARK: Kind 2 and 3: a Sentinel that cannot start creates nothing

    @Test func aPinMismatchRefusesToStartBeforeTheJournalExists() throws {
        let harness = try H(pin: String(repeating: "a", count: 64))
        if let error = harness.startFailure() {
            #expect(error.code == "integrity-mismatch" && error.invalidInput, "\(error)")
            #expect(error.message.contains("unit.yaml:4"), "names the artifact line: \(error.message)")
        } else { Issue.record("started with a wrong pin") }
        #expect(!FileManager.default.fileExists(atPath: harness.state), "no state directory, no journal")
    }

    @Test func aWrongTemplateHashRefusesToStartAsCheckDoes() throws {
        let root = NSTemporaryDirectory() + "halo-template-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "lcts-unit v1\n".write(toFile: root + "/template.txt", atomically: true, encoding: .utf8)
        let harness = try H(template: (root + "/template.txt", String(repeating: "b", count: 64)))
        #expect(throws: ServiceError.self) { _ = try harness.service() }
        #expect(!FileManager.default.fileExists(atPath: harness.state))
        let check = ArtifactChecker.check(path: harness.haloPath, runTests: false)
        #expect(!check.ok)
        #expect(check.units.first?.items.first?.code == "integrity-mismatch")
    }

    @Test func aPolicyWithoutReturnRefusesToStartWithOneError() throws {
        let harness = try H(policy: "local P = {}\nfunction P.settle(ctx) return {} end\n")
        if let error = harness.startFailure() {
            #expect(error.code == "policy-error", "\(error)")
            #expect(error.message.contains("did you forget `return P`"), "\(error)")
        } else { Issue.record("started") }
        // `halo check` says the same once, with no knock-on hook or test lines.
        let report = ArtifactChecker.check(path: harness.haloPath, runTests: true)
        let items = try #require(report.units.first?.items)
        #expect(items.filter { !$0.ok }.map(\.title) == ["policy loads in the sandbox"], "\(items.map(\.title))")
        #expect(!report.text().contains("required hooks present"))
        #expect(items.first { !$0.ok }?.code == "policy-error")
    }

    @Test func aUnitWithoutFixturesSaysSo() throws {
        let harness = try H()
        let report = ArtifactChecker.check(path: harness.haloPath, runTests: true)
        let tests = try #require(report.units.first?.items.first { $0.title == "policy passes its tests" })
        #expect(!tests.ok && tests.code == "no-fixtures" && tests.detail.contains("no fixtures"))
    }

    @Test func aWrongRelativePolicyFileNamesTheLineAndTheDirectory() throws {
        // A directory next to the temporary root that nothing creates (a fixed `../policies`
        // resolved to /tmp/policies, which another program on the machine may well have made).
        let harness = try H(policyFile: "../policies-\(UUID().uuidString)/tbill.lua")
        if let error = harness.startFailure() {
            #expect(error.code == "artifact-invalid" && error.invalidInput)
            #expect(error.message.contains("unit.yaml:4"), "\(error.message)")
            #expect(error.message.contains("resolved against the artifact's directory, \(PolicyHost.absolute(harness.root))/"), "\(error.message)")
        } else { Issue.record("started") }
    }

    // MARK: Kind 6: a refused reload says so once

    @Test func aRefusedReloadSaysItOnce() throws {
        let harness = try H()
        let service = try harness.service()
        defer { service.close() }
        var logs: [String] = []
        var decisions: [JSONValue] = []
        service.onLog = { logs.append($0) }
        service.onDecision = { decisions.append($0) }
        try feed(service, [H.line("2026-03-02T09:00:00Z", #""tick":{}"#)])
        try "local P = {\n".write(toFile: harness.policyPath, atomically: true, encoding: .utf8)
        let outcome = try service.reloadPolicy(unit: "test-a", file: harness.policyPath, runTests: false)
        #expect(!outcome.accepted)
        let line = try #require(logs.first { $0.hasPrefix("reload test-a") })
        #expect(line.components(separatedBy: "keeps running").count == 2, "\(line)")
        let record = try #require(decisions.first { $0["type"] == .string("reload") })
        #expect(record["status"] == .string("refused") && record["previous"]?["sha256"] == .string(H.sha(H.quietPolicy)))
    }

    // MARK: Kind 9: bounded catch-up

    @Test func anEventPastTheHorizonIsRefusedAndTheFeedGoesOn() throws {
        let harness = try H()
        let service = try harness.service()
        defer { service.close() }
        try feed(service, [H.line("2026-03-02T08:00:00Z", #""fund":{"account":"alice","asset":"USDS","amount":"1000"}"#),
                           H.line("9999-01-01T00:00:00Z", #""tick":{}"#, id: "far"),
                           H.line("2026-03-02T09:00:00Z", #""subscribe":{"account":"alice","amount":"100"}"#)])
        #expect(service.eventsApplied == 2)
        #expect(service.eventsRejected == 1)
        #expect(service.now < (try Timestamp(iso8601: "2026-03-03T00:00:00Z")))
        let refused = try #require(try H.records(service).first { $0.eventID == "far" })
        #expect(refused.kind == .rejected)
        #expect(try JSONParser.parse(refused.payload)["error"]?["code"] == .string("event-too-far"))
    }

    @Test func aLongGapCommitsAsItCatchesUpAndShowsProgress() throws {
        let harness = try H()
        let service = try harness.service()
        defer { service.close() }
        var logs: [String] = []
        service.onLog = { logs.append($0) }
        service.progressEvery = 0   // every committed day reports (the real pace is once a second)
        try feed(service, [H.line("2026-03-02T08:00:00Z", #""fund":{"account":"alice","asset":"USDS","amount":"1000"}"#),
                           H.line("2026-03-02T09:00:00Z", #""subscribe":{"account":"alice","amount":"100"}"#)])
        let before = try H.records(service).count
        try feed(service, [H.line("2026-05-01T09:00:00Z", #""tick":{}"#)])   // 60 days later
        let records = try H.records(service)
        let clocks = records.dropFirst(before).filter { $0.kind == SentinelService.clockKind }
        #expect(clocks.count >= 40, "one committed clock record per day with a cycle: \(clocks.count)")
        #expect(logs.contains { $0.hasPrefix("catching up:") && $0.contains("of 60") }, "\(logs.prefix(3))")
        #expect(logs.contains { $0.hasPrefix("caught up to") })
        // Recovery replays it to the same state.
        let state = service.state()
        service.close()
        let reopened = try harness.service()
        defer { reopened.close() }
        #expect(reopened.state() == state)
    }

    @Test func aFixtureStepPastTheHorizonIsInvalidAtItsLine() throws {
        let harness = try H()
        let path = harness.root + "/far.yaml"
        try """
        name: far
        unit: unit.yaml
        start: "2026-03-02T00:00:00Z"
        steps:
          - at: "2026-03-02T09:00:00Z"
            tick: {}
          - at: "9999-01-01T00:00:00Z"
            tick: {}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let fixture = try Fixture.load(path: path)
        #expect(throws: ArtifactError.self) { _ = try FixtureRunner.run(fixture) }
        do { _ = try FixtureRunner.run(fixture) } catch {
            #expect(error.code == .fixtureInvalid && error.line == 7, "\(error)")
        }
    }

    // MARK: Kind 3: one validation for every command

    @Test func dryRunRefusesAMissingPolicyOrAPinMismatchAsInvalidInput() throws {
        for harness in [try H(pin: String(repeating: "c", count: 64)), try H(policyFile: "missing.lua")] {
            let path = harness.root + "/f.yaml"
            try "name: f\nunit: unit.yaml\nstart: \"2026-03-02T00:00:00Z\"\nsteps:\n  - tick: {}\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            do {
                _ = try FixtureRunner.run(try Fixture.load(path: path))
                Issue.record("ran")
            } catch {
                #expect([.integrityMismatch, .artifactInvalid].contains(error.code) && error.line == 4, "\(error)")
            }
        }
    }

    @Test func aConfigureStepRefusesMaxChangeBelowOneAsTheArtifactDoes() throws {
        let harness = try H()
        let path = harness.root + "/c.yaml"
        try """
        name: c
        unit: unit.yaml
        start: "2026-03-02T00:00:00Z"
        steps:
          - configure: { op: file, max_change: "0.999999999999999999" }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try Fixture.load(path: path)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .fixtureInvalid && error.line == 5 && error.message == "max_change must be at least 1", "\(error)")
        }
        let unitText = try String(contentsOfFile: harness.root + "/unit.yaml", encoding: .utf8)
            .replacingOccurrences(of: #"max_change: "1.25""#, with: #"max_change: "0.999999999999999999""#)
        do {
            _ = try UnitArtifact.parse(unitText, path: harness.root + "/unit.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.code == .artifactInvalid && error.message == "max_change must be at least 1", "\(error)")
        }
        // A feed's configure event goes through the same parser.
        let service = try harness.service()
        defer { service.close() }
        try feed(service, [H.line("2026-03-02T09:00:00Z", #""configure":{"op":"file","max_change":"0.999999999999999999"}"#)])
        #expect(service.eventsRejected == 1 && service.eventsApplied == 0)
    }
}
