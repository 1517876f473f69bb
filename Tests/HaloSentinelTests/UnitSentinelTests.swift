import Foundation
import HaloArtifacts
import HaloCore
import LuaSandbox
import Testing
@testable import HaloSentinel

@Suite struct UnitSentinelTests {
    typealias H = SentinelHarness

    @Test func dailyCycleConvertsAtLockAndSettlesAt16() throws {
        let harness = try H(policy: convertAllPolicy)
        let sentinel = try harness.sentinel()
        try sentinel.perform(.subscribe(account: "alice", amount: H.amount("1000")), at: H.time("2026-03-02T09:00:00Z"))
        sentinel.advance(to: H.time("2026-03-02T14:00:00Z"))
        #expect(sentinel.unit.subscribeQueue.status == .locked)
        #expect(sentinel.inProcessingWindow)
        // A deposit inside the window meets a locked queue and changes nothing.
        #expect(throws: StepFailure.self) {
            try sentinel.perform(.subscribe(account: "alice", amount: H.amount("1")), at: H.time("2026-03-02T14:00:00Z"))
        }
        sentinel.advance(to: H.time("2026-03-02T16:00:00Z"))
        #expect(sentinel.unit.subscribeQueue.status == .dormant)
        try sentinel.perform(.claim(account: "alice", queue: .subscribe), at: H.time("2026-03-02T17:00:00Z"))
        #expect(sentinel.unit.ledger.balance(of: "alice", asset: "TEST-A") == H.amount("1000").units)
        #expect(sentinel.decisions.first?.hook == "settle")
        #expect(sentinel.policyFailures == 0)
    }

    @Test func weekendsAreSkipped() throws {
        let harness = try H(policy: convertAllPolicy)
        let sentinel = try harness.sentinel()
        // Saturday 2026-03-07: no cycle.
        try sentinel.perform(.subscribe(account: "alice", amount: H.amount("10")), at: H.time("2026-03-07T09:00:00Z"))
        sentinel.advance(to: H.time("2026-03-08T23:00:00Z"))
        #expect(sentinel.unit.subscribeQueue.status == .active)
        sentinel.advance(to: H.time("2026-03-09T16:00:00Z"))
        #expect(sentinel.unit.subscribeQueue.status == .dormant)
    }

    func failingPolicyLeavesQueuesUnconverted(_ body: String, code: String) throws {
        let harness = try H(policy: """
        local P = {}
        function P.settle(ctx) \(body) end
        return P
        """)
        let sentinel = try harness.sentinel()
        try sentinel.perform(.subscribe(account: "alice", amount: H.amount("1000")), at: H.time("2026-03-02T09:00:00Z"))
        sentinel.advance(to: H.time("2026-03-02T16:30:00Z"))
        // Fallback: nothing converted, previous rate, generation unlocked again.
        #expect(sentinel.unit.subscribeQueue.status == .active)
        #expect(sentinel.unit.subscribeQueue.totalUnderlying == H.amount("1000").units)
        #expect(sentinel.unit.exchangeRate == Rate.one)
        #expect(sentinel.raisedCodes.contains(UnitSentinel.policyFailure))
        #expect(sentinel.decisions.first { $0.hook == "settle" }?.failure?.code == code)
    }

    @Test func luaErrorFallsBack() throws { try failingPolicyLeavesQueuesUnconverted("error('boom')", code: "policy-error") }
    @Test func infiniteLoopFallsBack() throws { try failingPolicyLeavesQueuesUnconverted("while true do end", code: "sandbox-timeout") }
    @Test func memoryBombFallsBack() throws {
        try failingPolicyLeavesQueuesUnconverted("local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 64) .. i end", code: "sandbox-memory")
    }
    @Test func garbageFallsBack() throws { try failingPolicyLeavesQueuesUnconverted("return 42", code: "bad-decision") }
    @Test func floatAmountIsABadDecision() throws {
        try failingPolicyLeavesQueuesUnconverted("return { subscribe = 1000.0 }", code: "bad-decision")
    }
    @Test func capacityAboveTheQueueIsABadDecision() throws {
        try failingPolicyLeavesQueuesUnconverted("return { subscribe = '1000.000000000000000001' }", code: "bad-decision")
    }
    @Test func unknownFieldIsABadDecision() throws {
        try failingPolicyLeavesQueuesUnconverted("return { subscrbe = '1' }", code: "bad-decision")
    }
    @Test func rateJumpIsABadDecision() throws {
        // 0.1 % per day allowed; 1 % is refused.
        try failingPolicyLeavesQueuesUnconverted("return { exchange_rate = '1.01' }", code: "bad-decision")
    }
    @Test func netFlowAboveTheDepositLimitIsABadDecision() throws {
        // deposit limit is 10,000 and the queue holds 1,000 — push it over by depositing more first.
        let harness = try H(policy: """
        local P = {}
        function P.settle(ctx) return { subscribe = ctx.queues.subscribe.total_underlying } end
        return P
        """)
        let sentinel = try harness.sentinel()
        try sentinel.perform(.subscribe(account: "alice", amount: H.amount("10001")), at: H.time("2026-03-02T09:00:00Z"))
        sentinel.advance(to: H.time("2026-03-02T16:30:00Z"))
        let failure = try #require(sentinel.decisions.first { $0.hook == "settle" }?.failure)
        #expect(failure.code == "bad-decision")
        #expect(failure.message.contains("deposit rate limit"))
        #expect(sentinel.unit.subscribeQueue.totalUnderlying == H.amount("10001").units)
    }

    @Test func haircutIsAllowedAtOnceAndBoundedIncreasesPass() throws {
        let harness = try H(policy: """
        local P = {}
        function P.settle(ctx) return { exchange_rate = ctx.state.next or '0.95' } end
        return P
        """)
        let sentinel = try harness.sentinel()
        sentinel.advance(to: H.time("2026-03-02T16:30:00Z"))
        #expect(sentinel.unit.exchangeRate == (try Rate(parsing: "0.95")))
        sentinel.restoreState(LuaTable(dictionary: ["next": .string("0.95095")]))  // +0.1 % of 0.95
        sentinel.advance(to: H.time("2026-03-03T16:30:00Z"))
        #expect(sentinel.unit.exchangeRate == (try Rate(parsing: "0.95095")))
        #expect(sentinel.policyFailures == 0)
    }

    @Test func signalsAndResponsesApplyWithinTheArtifact() throws {
        let harness = try H(policy: convertAllPolicy, unit: H.unitYAML(responses: "[halt_subscriptions]"))
        let sentinel = try harness.sentinel()
        try sentinel.perform(.report([ReportField(name: "nav", value: .amount(H.amount("0.98"))),
                                      ReportField(name: "holdings", value: .amount(H.amount("100")))]),
                             at: H.time("2026-03-02T10:00:00Z"))
        #expect(sentinel.raisedCodes == ["NAV_DEVIATION"])
        #expect(sentinel.appliedActions == ["halt_subscriptions"])
        let haircut = try #require(sentinel.actions.first { $0.action == "haircut" })
        #expect(!haircut.applied)
        #expect(haircut.code == "action-not-allowed")
        #expect(sentinel.unit.exchangeRate == Rate.one)
        #expect {
            try sentinel.perform(.subscribe(account: "alice", amount: H.amount("1")), at: H.time("2026-03-02T10:00:00Z"))
        } throws: { ($0 as? StepFailure)?.code == "subscriptions-halted" }
    }

    @Test func incompleteReportIsRefused() throws {
        let sentinel = try H(policy: convertAllPolicy).sentinel()
        #expect {
            try sentinel.perform(.report([ReportField(name: "nav", value: .amount(H.amount("1")))]), at: H.start)
        } throws: { ($0 as? StepFailure)?.code == "report-invalid" }
    }

    @Test func stateSurvivesCallsButNotFailures() throws {
        let harness = try H(policy: """
        local P = {}
        function P.settle(ctx)
          ctx.state.calls = (ctx.state.calls or 0) + 1
          if ctx.state.calls == 2 then error("second call fails") end
          return {}
        end
        return P
        """)
        let sentinel = try harness.sentinel()
        sentinel.advance(to: H.time("2026-03-02T16:30:00Z"))
        sentinel.advance(to: H.time("2026-03-03T16:30:00Z"))  // fails: its write is discarded
        sentinel.advance(to: H.time("2026-03-04T16:30:00Z"))  // calls == 2 again, fails again
        #expect(StateStore.json(sentinel.state) == .object([("calls", .int(1))]))
        #expect(sentinel.policyFailures == 2)
    }

    @Test func ctxIsReadOnly() throws {
        let harness = try H(policy: """
        local P = {}
        function P.settle(ctx) ctx.exchange_rate = "2" return {} end
        return P
        """)
        let sentinel = try harness.sentinel()
        sentinel.advance(to: H.time("2026-03-02T16:30:00Z"))
        let failure = try #require(sentinel.decisions.first?.failure)
        #expect(failure.code == "sandbox-forbidden")
    }

    @Test func brokenReloadIsRefusedAndTheOldPolicyKeepsRunning() throws {
        let harness = try H(policy: convertAllPolicy)
        let sentinel = try harness.sentinel()
        let broken = try harness.write("local P = {} function P.settle(ctx) return {", to: "broken.lua")
        #expect {
            try sentinel.reload(broken, pin: nil, at: H.start)
        } throws: { ($0 as? StepFailure)?.code == "policy-error" }
        #expect(sentinel.policyIdentity.file == harness.policyPath)
        try sentinel.perform(.subscribe(account: "alice", amount: H.amount("5")), at: H.time("2026-03-02T09:00:00Z"))
        sentinel.advance(to: H.time("2026-03-02T16:30:00Z"))
        #expect(sentinel.unit.subscribeQueue.status == .dormant)
    }

    @Test func reloadInsideTheWindowWaitsForSettlement() throws {
        let harness = try H(policy: convertAllPolicy)
        let sentinel = try harness.sentinel()
        let v2 = try harness.write("local P = {} function P.settle(ctx) return { note = 'v2' } end return P", to: "v2.lua")
        sentinel.advance(to: H.time("2026-03-02T14:00:00Z"))
        try sentinel.reload(v2, pin: nil, at: H.time("2026-03-02T14:00:00Z"))
        #expect(sentinel.policyIdentity.file == harness.policyPath)
        sentinel.advance(to: H.time("2026-03-02T16:00:00Z"))
        #expect(sentinel.policyIdentity.file == v2)
    }

    @Test func pinMismatchIsRefused() throws {
        let harness = try H(policy: convertAllPolicy)
        let sentinel = try harness.sentinel()
        #expect {
            try sentinel.reload(harness.policyPath, pin: String(repeating: "a", count: 64), at: H.start)
        } throws: { ($0 as? StepFailure)?.code == "integrity-mismatch" }
    }

    @Test func migrationPlanAppliesAllowedStepsInOrder() throws {
        let harness = try H(policy: """
        local P = {}
        function P.settle(ctx) return {} end
        function P.signals(ctx) return { { code = "STALE_REPORT", severity = "critical", message = "gone" } } end
        function P.respond(ctx, raised) return { { action = "migrate", reason = raised[1].message } } end
        function P.migrate(ctx, reason)
          return {
            { action = "halt_subscriptions", reason = "migration: " .. reason },
            { action = "zero_rate_limit", key = "deposit", reason = "no new exposure" },
            { action = "note", text = "hand over to the Fortification Conserver" },
            { action = "freeze", reason = "last step" },
          }
        end
        return P
        """)
        let sentinel = try harness.sentinel()
        try sentinel.perform(.tick, at: H.time("2026-03-02T10:00:00Z"))
        #expect(sentinel.flags.migrating)
        #expect(sentinel.actions.map(\.action) == ["migrate", "halt_subscriptions", "zero_rate_limit", "note", "freeze"])
        #expect(sentinel.actions.allSatisfy { $0.applied })
        #expect(sentinel.unit.controller.isFrozen)
        #expect(sentinel.unit.rateLimits.limit("deposit")?.maxAmount == .zero)
    }

    @Test func theHalosMigrationProcedureRunsWhenThePolicyHasNoMigrateHook() throws {
        let harness = try H(policy: """
        local P = {}
        function P.settle(ctx) return {} end
        function P.signals(ctx) return { { code = "STALE_REPORT", severity = "critical", message = "silent" } } end
        function P.respond(ctx, raised) return { { action = "migrate", reason = "manager silent" } } end
        return P
        """)
        let procedure = try harness.write("""
        return { migrate = function(ctx, reason)
          return { { action = "halt_subscriptions", reason = "halo procedure: " .. reason }, { action = "freeze", reason = "halo procedure" } }
        end }
        """, to: "halo-migration.lua")
        let artifact = try UnitArtifact.load(path: harness.unitPath)
        let sentinel = try UnitSentinel(artifact: artifact, schedule: .standard, start: H.start, stdlib: H.stdlib,
                                        migrationProcedure: procedure)
        try sentinel.perform(.tick, at: H.time("2026-03-02T10:00:00Z"))
        #expect(sentinel.actions.map(\.action) == ["migrate", "halt_subscriptions", "freeze"])
        #expect(sentinel.unit.controller.isFrozen)
        #expect(sentinel.decisions.contains { $0.hook == "migrate" && $0.failure == nil })
    }
}
