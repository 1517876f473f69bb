import Foundation
import HaloArtifacts
import Testing
@testable import HaloSentinel

/// The example policies' shared halt bookkeeping (policies/common/halts.lua): a halt the
/// policy keeps for a new reason is re-stated once with that reason, never once per report.
@Suite struct HaltReasonTests {
    @Test func aHaltKeptForANewReasonIsRestatedOnce() throws {
        let path = GovernanceHarness.example + "/units/clo-aaa/tests/halt-reason-follows.yaml"
        let result = try FixtureRunner.run(try Fixture.load(path: path), stdlib: SentinelHarness.stdlib)
        #expect(result.passed, "\(result.steps.filter { !$0.ok }.map { "\($0.line): \($0.error.map(\.description) ?? "")" })")
        let halts = result.actions.filter { $0.action == "halt_subscriptions" }
        // Halted on Wednesday for the stale report; re-stated on Friday when the manager came
        // back with AA+; Friday's 16:00 and Monday's DOWNGRADE add nothing.
        #expect(halts.map(\.reason) == ["stale report", "downgrade (was: stale report)"])
        #expect(halts.allSatisfy { $0.applied })
        #expect(result.actions.filter { $0.action == "set_rate_limit" }.count == 1)
    }
}
