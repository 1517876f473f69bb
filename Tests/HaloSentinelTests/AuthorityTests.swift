import Foundation
@testable import HaloArtifacts
import HaloCore
import Testing
@testable import HaloSentinel

/// Bounded authority: every governance and configuration step kind is checked against the
/// Halo Artifact's roles before it touches anything.
@Suite struct AuthorityTests {
    /// Every step kind that needs a role, as a feed event body, with the role it needs.
    static let guarded: [(body: String, role: AuthorityRole)] = [
        (#""rate_limit":{"op":"set","key":"deposit","max":"1","slope":"1"}"#, .abeam),
        (#""rate_limit":{"op":"set_unlimited","key":"deposit"}"#, .abeam),
        (#""configure":{"op":"init","key":"withdraw","max":"1","slope":"1"}"#, .abeam),
        (#""configure":{"op":"file","hop":"1h"}"#, .abeam),
        (#""configure":{"op":"set_rate_limit","key":"deposit","max":"1","slope":"1"}"#, .cbeam),
        (#""rate_limit":{"op":"consume","key":"deposit","amount":"1"}"#, .pbeam),
        (#""rate_limit":{"op":"replenish","key":"deposit","amount":"1"}"#, .pbeam),
        (#""lock":{}"#, .pbeam),
        (#""settle":{}"#, .pbeam),
        (#""freeze":{}"#, .freezer),
    ]

    @Test func anUnauthorizedActorIsRefusedForEveryGuardedStepKindAndNothingChanges() throws {
        let harness = try GovernanceHarness()
        let service = try harness.service()
        defer { service.close() }
        try service.process(lines: [GovernanceHarness.event("fund", "tbill-a", "2026-03-02T08:00:00Z",
                                                            #""fund":{"account":"spark","asset":"USDS","amount":"100"}"#)], file: "feed")
        for (index, (body, role)) in Self.guarded.enumerated() {
            // Another Unit's Sentinel holds no role here; the freezer holds only its own.
            for actor in ["mallory", "sentinel-mmf-a", role == .freezer ? "sky-governance" : "halo-warden"] {
                let before = service.state()
                let rejectedBefore = service.eventsRejected
                try service.process(lines: [GovernanceHarness.event("bad-\(index)-\(actor)", "tbill-a", "2026-03-02T08:00:00Z", body, actor: actor)],
                                    file: "feed")
                #expect(service.eventsRejected == rejectedBefore + 1, "\(body) by \(actor)")
                #expect(service.state() == before, "\(body) by \(actor) changed the state")
            }
        }
        // Each refusal is journaled with its code.
        let refused = try GovernanceHarness.records(service, kind: "rejected")
        #expect(refused.count == Self.guarded.count * 3)
        #expect(refused.allSatisfy { $0.payload.contains("not-authorized") })
    }

    @Test func governanceStepsInAFeedNeedANamedActorAndSentinelStepsDefaultToTheSentinel() throws {
        let harness = try GovernanceHarness()
        let service = try harness.service()
        defer { service.close() }
        let at = "2026-03-02T08:00:00Z"
        try service.process(lines: [
            GovernanceHarness.event("set-anonymous", "tbill-a", at, #""rate_limit":{"op":"set","key":"deposit","max":"5","slope":"1"}"#),
            GovernanceHarness.event("freeze-anonymous", "tbill-a", at, #""freeze":{}"#),
        ], file: "feed")
        #expect(service.eventsRejected == 2)
        try service.process(lines: [
            GovernanceHarness.event("set-by-gov", "tbill-a", at, #""rate_limit":{"op":"set","key":"deposit","max":"5","slope":"1"}"#, actor: "sky-governance"),
            GovernanceHarness.event("consume-anonymous", "tbill-a", at, #""rate_limit":{"op":"consume","key":"deposit","amount":"2"}"#),
            GovernanceHarness.event("consume-by-sentinel", "tbill-a", at, #""rate_limit":{"op":"consume","key":"deposit","amount":"1"}"#, actor: "sentinel-tbill-a"),
        ], file: "feed")
        #expect(service.eventsRejected == 2)
        #expect(service.state()["tbill-a"]?["rate_limits"]?["deposit"]?["current"] == .string("2"))
    }

    @Test func fixturesDefaultToTheRoleHolderAndCheckANamedActor() throws {
        let path = GovernanceHarness.example + "/units/tbill/tests/authority.yaml"
        let result = try FixtureRunner.run(try Fixture.load(path: path), stdlib: SentinelHarness.stdlib)
        #expect(result.passed, "\(result.steps.filter { !$0.ok }.map { "\($0.line): \($0.error.map(\.description) ?? "")" })")
        // An older fixture with governance steps and no actors still passes.
        let old = GovernanceHarness.example + "/units/tbill/tests/rate-limits-and-configurator.yaml"
        #expect(try FixtureRunner.run(try Fixture.load(path: old), stdlib: SentinelHarness.stdlib).passed)
    }

    @Test func aHaloWithoutRolesGivesTheSentinelPBEAMAndCBEAMAndNobodyABEAM() throws {
        let roles = HaloRoles.implicit(units: ["tbill-a"])
        let authority = Authority(roles: roles)
        func step(_ action: StepAction, _ actor: String?) -> FixtureStep {
            FixtureStep(index: 0, line: 1, time: .same, action: action, expectError: nil, actor: actor)
        }
        let set = StepAction.rateLimit(.set(key: "deposit", maxAmount: SentinelHarness.amount("1"), slope: SentinelHarness.amount("1"),
                                            lastAmount: nil, lastUpdated: nil))
        #expect(throws: StepFailure.self) { try authority.check(step(set, "sentinel"), unit: "tbill-a", source: .feed) }
        #expect(throws: StepFailure.self) { try authority.check(step(set, nil), unit: "tbill-a", source: .feed) }
        try authority.check(step(.lock(queue: nil), "sentinel"), unit: "tbill-a", source: .feed)
        try authority.check(step(.lock(queue: nil), nil), unit: "tbill-a", source: .feed)
        try authority.check(step(set, nil), unit: "tbill-a", source: .fixture)
    }

    @Test func rolesMustNameUnitsOfTheHalo() throws {
        let harness = try GovernanceHarness()
        let path = try harness.write(harness.haloText(revision: 1) { $0.replacingOccurrences(of: "    mmf-a: [sentinel-mmf-a]\n    clo-aaa-a: [sentinel-clo-aaa-a]\ngovernance",
                                                                                        with: "    mmf-a: [sentinel-mmf-a]\n    nope-a: [x]\ngovernance") },
                                     "halo.yaml")
        #expect(throws: ArtifactError.self) { _ = try HaloArtifact.load(path: path) }
        do { _ = try HaloArtifact.load(path: path) } catch { #expect(error.message.contains("nope-a")) }
    }
}
