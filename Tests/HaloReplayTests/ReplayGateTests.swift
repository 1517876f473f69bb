import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal
import HaloReplay
import HaloSentinel
import Testing

/// `halo run --watch --replay-on-reload DAYS`: the swap of a running Sentinel is gated on the replay.
@Suite struct ReplayGateTests {
    func reloadRecords(_ history: ReplayHistory) throws -> [JSONValue] {
        let journal = try Journal(directory: URL(fileURLWithPath: history.state), configuration: JournalConfiguration(role: .reader))
        defer { try? journal.close() }
        var cursor = journal.records(from: 1)
        var found: [JSONValue] = []
        while let record = try cursor.next() {
            if record.kind == .reload { found.append(try JSONParser.parse(record.payload)) }
        }
        return found
    }

    @Test func aCandidateThatFailsOnRecentHistoryIsRefusedAndTheOldPolicyKeepsDeciding() throws {
        let history = try ReplayHistory()
        let service = try SentinelService(haloPath: history.halo, stateDirectory: history.state, clock: .sim)
        var log: [String] = []
        service.onLog = { log.append($0) }
        let before = try #require(service.sentinels["tbill-a"]?.policyIdentity.sha256)
        let candidate = try history.policy("tbill-raising.lua", ReplayHistory.raisingPolicy)
        // The candidate raises once money is queued: the last week (no subscriptions) would not
        // show it, the last ten days (the 11th, 12th, 13th) do.
        let gate = ReplayGate(stateDirectory: history.state, haloPath: history.halo, days: 10)

        let outcome = try service.reloadPolicy(unit: "tbill-a", file: candidate, runTests: false, preflight: gate.preflight(now: service.now))
        #expect(!outcome.accepted)
        #expect(outcome.message.contains("fails on the last 10 day(s)"), "\(outcome.message)")
        #expect(service.sentinels["tbill-a"]?.policyIdentity.sha256 == before)
        #expect(log.contains { $0.contains("reload refused, the previous policy keeps running") && $0.contains("candidate bug") }, "\(log)")
        service.close()

        let record = try #require(try reloadRecords(history).last)
        #expect(record["accepted"] == .bool(false))
        #expect(record["replay"]?["status"] == .string("candidate-failed"))
        #expect(record["replay"]?["days"] == .int(10))
        // The last 10 days before the end of the feed (2026-03-20T18:00Z).
        #expect(record["replay"]?["since"] == .string("2026-03-10T18:00:00Z"))
        if case .array(let failures)? = record["replay"]?["failures"] {
            #expect(failures.first?["time"] == .string("2026-03-11T13:00:00Z"))
        } else {
            Issue.record("no failures in the replay summary")
        }
    }

    @Test func aCandidateThatDiffersIsSwappedWithItsSummaryLoggedAndJournaled() throws {
        let history = try ReplayHistory()
        let service = try SentinelService(haloPath: history.halo, stateDirectory: history.state, clock: .sim)
        var log: [String] = []
        service.onLog = { log.append($0) }
        let candidate = try history.policy("tbill-capped.lua", ReplayHistory.cappedPolicy)
        let gate = ReplayGate(stateDirectory: history.state, haloPath: history.halo, days: 10)

        let outcome = try service.reloadPolicy(unit: "tbill-a", file: candidate, runTests: false, preflight: gate.preflight(now: service.now))
        #expect(outcome.accepted, "\(outcome.message)")
        #expect(log.contains { $0.contains("swapped") && $0.contains("decision(s) differ") && $0.contains("to manager -") }, "\(log)")
        #expect(service.sentinels["tbill-a"]?.policyIdentity.file == candidate)
        service.close()

        let record = try #require(try reloadRecords(history).last)
        #expect(record["accepted"] == .bool(true))
        #expect(record["replay"]?["status"] == .string("differs"))
        // From 10 March 18:00: capped on the 11th, 12th and 13th, the backlog converts on the 16th
        // (netting the redemption) and the 17th.
        #expect(record["replay"]?["differences"] == .int(5))
        #expect(record["replay"]?["money"]?["tbill-a"]?["to_manager"] == .string("-500900.715"))
    }
}
