import Foundation
import HaloArtifacts
import HaloCore
import Testing
@testable import HaloSentinel

/// Artifact Edits on the running example Halo (timelock 1d): when they land, what they
/// change, and what a refused edit leaves alone.
@Suite struct ArtifactEditTests {
    static func time(_ text: String) -> Timestamp { GovernanceHarness.time(text) }

    /// The example Halo at revision 2 with tbill-a's deposit limit raised (an increase).
    static func raisedLimit(_ harness: GovernanceHarness, max: String = "12500000", revision: Int = 2) throws -> String {
        let unit = try harness.write(harness.unitText("tbill") {
            $0.replacingOccurrences(of: #"deposit: { max: "10000000", slope: "115.74074074074074074" }   # 10M"#,
                                    with: #"deposit: { max: "\#(max)", slope: "115.74074074074074074" }   # 10M"#)
        }, "tbill-\(max)/unit.yaml")
        return try harness.write(harness.haloText(revision: revision) {
            $0.replacingOccurrences(of: "\(GovernanceHarness.example)/units/tbill/unit.yaml", with: unit)
        }, "halo-\(max)-r\(revision).yaml")
    }

    static func depositMax(_ service: SentinelService) -> JSONValue? {
        service.state()["tbill-a"]?["rate_limits"]?["deposit"]?["max"]
    }

    func started(_ harness: GovernanceHarness, at: String = "2026-03-02T09:00:00Z") throws -> SentinelService {
        let service = try harness.service()
        try service.process(lines: [GovernanceHarness.event("fund", "tbill-a", at, #""fund":{"account":"spark","asset":"USDS","amount":"1000"}"#)],
                            file: "feed")
        return service
    }

    @Test func theDiffClassifiesEachChange() throws {
        let harness = try GovernanceHarness()
        let old = try HaloArtifact.load(path: GovernanceHarness.haloPath)
        let diff = ArtifactDiff(old: old, new: try HaloArtifact.load(path: try Self.raisedLimit(harness)))
        #expect(diff.changes.map(\.line) == ["tbill-a  rate_limits.deposit.max  10000000 -> 12500000  increase"])
        #expect(!diff.onlyReduces)
        let lower = ArtifactDiff(old: old, new: try HaloArtifact.load(path: try Self.raisedLimit(harness, max: "5000000")))
        #expect(lower.changes.map(\.direction) == [.reduction])
        #expect(lower.onlyReduces)
        let reverse = ArtifactDiff(old: try HaloArtifact.load(path: try Self.raisedLimit(harness)), new: old)
        #expect(reverse.changes.map(\.direction) == [.reduction])
    }

    @Test func anIncreaseLandsExactlyAfterTheTimelock() throws {
        let harness = try GovernanceHarness()
        let service = try started(harness)
        defer { service.close() }
        try harness.propose(try Self.raisedLimit(harness), actor: "sky-governance", on: service)
        #expect(service.artifactEdits.pending.map(\.effectiveAt) == [Self.time("2026-03-03T09:00:00Z")])
        try service.advance(to: Self.time("2026-03-03T08:59:59Z"))
        #expect(service.halo.revision == 1)
        #expect(Self.depositMax(service) == .string("10000000"))
        try service.advance(to: Self.time("2026-03-03T09:00:00Z"))
        #expect(service.halo.revision == 2)
        #expect(Self.depositMax(service) == .string("12500000"))
        #expect(service.artifactEdits.pending.isEmpty)
    }

    @Test func anIncreaseDueInsideTheProcessingWindowWaitsForTheSettlement() throws {
        let harness = try GovernanceHarness()
        let service = try started(harness, at: "2026-03-02T14:00:00Z")
        defer { service.close() }
        try harness.propose(try Self.raisedLimit(harness), actor: "sky-governance", on: service)
        #expect(service.artifactEdits.pending.map(\.effectiveAt) == [Self.time("2026-03-03T16:00:00Z")])
        try service.advance(to: Self.time("2026-03-03T14:00:00Z"))
        #expect(service.halo.revision == 1, "14:00 + 1d is inside the window")
        try service.advance(to: Self.time("2026-03-03T15:59:59Z"))
        #expect(service.halo.revision == 1)
        var lines: [String] = []
        service.onDecision = { if case .string(let type)? = $0["type"] { lines.append(type + ":" + ($0["revision"]?.serialized() ?? "")) } }
        try service.advance(to: Self.time("2026-03-03T16:00:00Z"))
        #expect(service.halo.revision == 2)
        // The 16:00 settlement was decided under revision 1, the edit landed after it.
        #expect(lines.count >= 2 && lines.dropLast().allSatisfy { $0.hasSuffix(":1") }, "\(lines)")
        #expect(lines.last == "artifact-edit:2", "\(lines)")
    }

    @Test func aReductionLandsAtOnceEvenInsideTheWindow() throws {
        let harness = try GovernanceHarness()
        let service = try started(harness, at: "2026-03-02T14:00:00Z")
        defer { service.close() }
        try harness.propose(try Self.raisedLimit(harness, max: "5000000"), actor: "sky-governance", on: service)
        #expect(service.halo.revision == 2)
        #expect(Self.depositMax(service) == .string("5000000"))
        #expect(service.artifactEdits.pending.isEmpty)
    }

    @Test func aFourthUnitComesUpLiveAndSettlesThatDay() throws {
        let harness = try GovernanceHarness()
        let service = try started(harness)
        defer { service.close() }
        let unit = try harness.write(harness.unitText("tbill") {
            $0.replacingOccurrences(of: "unit: tbill-a", with: "unit: tbill-b")
                .replacingOccurrences(of: "share: TBILL-A", with: "share: TBILL-B")
        }, "tbill-b/unit.yaml")
        let halo = try harness.write(harness.haloText(revision: 2, units: [unit]) {
            $0.replacingOccurrences(of: "    clo-aaa-a: [sentinel-clo-aaa-a]\n", with: "    clo-aaa-a: [sentinel-clo-aaa-a]\n    tbill-b: [sentinel-tbill-b]\n")
        }, "halo-4.yaml")
        try harness.propose(halo, actor: "sky-governance", on: service)
        #expect(service.artifactEdits.pending.count == 1)
        // Events for the new Unit before it exists are refused; once it is up they apply.
        try service.process(lines: [
            GovernanceHarness.event("b-early", "tbill-b", "2026-03-03T08:00:00Z", #""fund":{"account":"spark","asset":"USDS","amount":"1"}"#),
        ], file: "feed")
        #expect(service.eventsRejected == 1)
        try service.process(lines: [
            GovernanceHarness.event("b-fund", "tbill-b", "2026-03-03T09:30:00Z", #""fund":{"account":"spark","asset":"USDS","amount":"1000000"}"#),
            GovernanceHarness.event("b-report", "tbill-b", "2026-03-03T10:00:00Z",
                                    #""report":{"nav":"1.0001","holdings":"0","capacity":"5000000","liquidity":"5000000","price":"1.0001"}"#),
            GovernanceHarness.event("b-sub", "tbill-b", "2026-03-03T10:30:00Z", #""subscribe":{"account":"spark","amount":"400000"}"#),
        ], file: "feed")
        #expect(service.unitNames == ["tbill-a", "mmf-a", "clo-aaa-a", "tbill-b"])
        #expect(service.halo.revision == 2)
        try service.advance(to: Self.time("2026-03-03T16:00:01Z"))
        let state = service.state()["tbill-b"]
        #expect(state?["accounts"]?["spark"]?["USDS"] == .string("600000"), "\(state?.serialized() ?? "")")
        // The settlement happened that day: its statement names the revision in force and what converted.
        let record = try #require(try GovernanceHarness.records(service, kind: "statement").first { $0.eventID == "statement:tbill-b:2026-03-03" })
        let statement = try JSONParser.parse(record.payload)
        #expect(statement["revision"] == .int(2))
        #expect(statement["converted"]?["subscribe"]?["underlying"] == .string("400000"), "\(record.payload)")
    }

    @Test func refusedEditsLeaveTheRunningHaloUntouched() throws {
        let harness = try GovernanceHarness()
        let service = try started(harness)
        defer { service.close() }
        let before = service.state()
        // Revision not +1.
        try harness.propose(try Self.raisedLimit(harness, revision: 3), actor: "sky-governance", on: service)
        // Not aBEAM.
        try harness.propose(try Self.raisedLimit(harness), actor: "sentinel-tbill-a", on: service)
        // An invalid Unit.
        let broken = try harness.write(harness.unitText("tbill") { $0.replacingOccurrences(of: "kind: lcts", with: "kind: lcts\nsurprise: 1") },
                                       "broken/unit.yaml")
        let invalid = try harness.write(harness.haloText(revision: 2) {
            $0.replacingOccurrences(of: "\(GovernanceHarness.example)/units/tbill/unit.yaml", with: broken)
        }, "halo-broken.yaml")
        try harness.propose(invalid, actor: "sky-governance", on: service)
        let refusals = try GovernanceHarness.records(service, kind: "artifact-refused").map(\.payload)
        #expect(refusals.count == 3)
        #expect(refusals[0].contains("revision-invalid"))
        #expect(refusals[1].contains("not-authorized"))
        #expect(refusals[2].contains("artifact-invalid") && refusals[2].contains("surprise"))
        // Valid at proposal, but its files change before it lands: refused at effect.
        let raised = try Self.raisedLimit(harness)
        try harness.propose(raised, actor: "sky-governance", on: service)
        try (try String(contentsOfFile: raised, encoding: .utf8) + "\n# edited after the proposal\n").write(toFile: raised, atomically: true, encoding: .utf8)
        try service.advance(to: Self.time("2026-03-03T09:00:00Z"))
        #expect(service.halo.revision == 1)
        #expect(service.unitNames == ["tbill-a", "mmf-a", "clo-aaa-a"])
        #expect(Self.depositMax(service) == before["tbill-a"]?["rate_limits"]?["deposit"]?["max"])
        #expect(try GovernanceHarness.records(service, kind: "clock").contains { $0.payload.contains("integrity-mismatch") })
    }

    @Test func aPendingEditSurvivesARestartAndLandsOnTime() throws {
        let harness = try GovernanceHarness()
        do {
            let service = try started(harness)
            try harness.propose(try Self.raisedLimit(harness), actor: "sky-governance", on: service)
            service.close()   // the process ends here; nothing else is written
        }
        let restarted = try harness.service()
        defer { restarted.close() }
        #expect(restarted.artifactEdits.pending.map(\.effectiveAt) == [Self.time("2026-03-03T09:00:00Z")])
        try restarted.advance(to: Self.time("2026-03-03T08:59:59Z"))
        #expect(restarted.halo.revision == 1)
        try restarted.advance(to: Self.time("2026-03-03T09:00:00Z"))
        #expect(restarted.halo.revision == 2)
        restarted.close()
        // And a restart after it landed rebuilds the same Halo from the journal.
        let again = try harness.service()
        defer { again.close() }
        #expect(again.halo.revision == 2)
        #expect(Self.depositMax(again) == .string("12500000"))
    }

    @Test func aCancelledEditNeverLands() throws {
        let harness = try GovernanceHarness()
        let service = try started(harness)
        defer { service.close() }
        try harness.propose(try Self.raisedLimit(harness), actor: "sky-governance", on: service)
        let id = try #require(service.artifactEdits.pending.first?.id)
        _ = try service.journal.submit(payload: SentinelService.cancellationPayload(edit: id, actor: "sentinel-tbill-a"))
        try service.drainInbox()
        #expect(service.artifactEdits.pending.count == 1, "only aBEAM cancels")
        _ = try service.journal.submit(payload: SentinelService.cancellationPayload(edit: id, actor: "sky-governance"))
        try service.drainInbox()
        #expect(service.artifactEdits.pending.isEmpty)
        try service.advance(to: Self.time("2026-03-04T09:00:00Z"))
        #expect(service.halo.revision == 1)
    }
}
