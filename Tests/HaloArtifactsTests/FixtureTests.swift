import Foundation
import Testing
@testable import HaloArtifacts
@testable import HaloCore

/// A temporary directory with a Unit Artifact in `units/u/unit.yaml`.
struct FixtureSandbox {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "halo-artifacts-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/units/u/tests", withIntermediateDirectories: true)
        try sampleUnit.write(toFile: root + "/units/u/unit.yaml", atomically: true, encoding: .utf8)
    }

    func write(_ text: String, _ name: String = "f.yaml") throws -> String {
        let path = root + "/units/u/tests/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

@Suite struct FixtureTests {
    @Test func parsesTheContractExample() throws {
        let box = try FixtureSandbox()
        let path = try box.write("""
        name: story-1-full-conversion
        unit: ../unit.yaml
        start: "2026-03-02T00:00:00Z"
        clock: manual
        accounts: { alice: { USDS: "1000" } }
        rate: "1"
        steps:
          - at: "2026-03-02T09:00:00Z"
            subscribe: { account: alice, amount: "1000" }
          - at: "2026-03-02T13:00:00Z"
            lock: {}
          - after: "3h"
            settle: { subscribe: { capacity: "1000", minted: "980" } }
          - claim: { account: alice, queue: subscribe }
          - expect:
              accounts: { alice: { USDS: "0", TBILL-A: "980" } }
              queues: { subscribe: { status: dormant } }
        """)
        let fixture = try Fixture.load(path: path)
        #expect(fixture.name == "story-1-full-conversion")
        #expect(fixture.clock == .manual)
        #expect(fixture.unit.name == "tbill-a")
        #expect(fixture.steps.count == 5)
        #expect(fixture.steps[0].action == .subscribe(account: "alice", amount: try Amount(parsing: "1000")))
        #expect(fixture.steps[1].action == .lock(queue: nil))
        #expect(fixture.steps[2].time == .after(TimeSpan(milliseconds: 3 * 3_600_000)))
        #expect(fixture.steps[2].action == .settle(subscribe: SettleOrderSpec(capacity: try Amount(parsing: "1000"),
                                                                               minted: try Amount(parsing: "980")), redeem: nil))
        guard case .expect(let expectation) = fixture.steps[4].action else { Issue.record("not an expect"); return }
        #expect(expectation.accounts.first?.balances.map(\.asset) == ["USDS", "TBILL-A"])
        #expect(expectation.queues.first?.expected.status == "dormant")
    }

    @Test func everyStepKindParses() throws {
        let box = try FixtureSandbox()
        let path = try box.write("""
        unit: ../unit.yaml
        start: "2026-03-02T00:00:00Z"
        accounts: { alice: { USDS: "10", TBILL-A: "5" } }
        steps:
          - subscribe: { account: alice, amount: "1" }
          - redeem: { account: alice, amount: "1" }
          - claim: { account: alice, queue: subscribe }
          - exit: { account: alice, queue: redeem }
          - lock: { queue: subscribe }
          - settle: {}
          - report: { nav: "1.0001", holdings: "100", gated: false, rating: AAA, extra: { a: "1" } }
          - rate_limit: { op: set, key: deposit, max: "100", slope: "10", last_amount: "1", last_updated: "2026-03-02T00:00:00Z" }
          - rate_limit: { op: set_unlimited, key: withdraw }
          - rate_limit: { op: consume, key: deposit, amount: "11" }
            expect_error: rate-limit-exceeded
          - rate_limit: { op: replenish, key: deposit, amount: "1" }
          - configure: { op: init, key: deposit, max: "1", slope: "1" }
          - configure: { op: file, hop: "12h" }
          - configure: { op: set_rate_limit, key: deposit, max: "1", slope: "1" }
          - tick: {}
          - reload: { policy: ../../../policies/v2.lua }
          - fund: { account: bob, asset: USDS, amount: "3" }
          - subscribe: { account: bob, amount: "3" }
          - expect:
              rate_limits: { deposit: { current: "1", max: "100" }, withdraw: { current: unlimited } }
              exchange_rate: "1"
              signals: []
              actions: [halt_subscriptions]
        """)
        let fixture = try Fixture.load(path: path)
        #expect(fixture.steps.map(\.action.name) == ["subscribe", "redeem", "claim", "exit", "lock", "settle", "report",
                                                      "rate_limit", "rate_limit", "rate_limit", "rate_limit", "configure",
                                                      "configure", "configure", "tick", "reload", "fund", "subscribe", "expect"])
        #expect(fixture.steps[9].expectError == "rate-limit-exceeded")
        guard case .report(let fields) = fixture.steps[6].action else { Issue.record("not a report"); return }
        #expect(fields.map(\.name) == ["nav", "holdings", "gated", "rating", "extra"])
        #expect(fields[0].value == .amount(try Amount(parsing: "1.0001")))
        #expect(fields[2].value == .bool(false))
        #expect(fields[3].value == .text("AAA"))
        guard case .reload(let policy) = fixture.steps[15].action else { Issue.record("not a reload"); return }
        #expect(policy == box.root + "/policies/v2.lua")
        guard case .expect(let expectation) = fixture.steps[18].action else { Issue.record("not an expect"); return }
        #expect(expectation.signals == [])
        #expect(expectation.rateLimits[1].expected.current == .unlimited)
    }

    func expectFixtureError(_ text: String, line: Int?, containing: String) throws {
        let box = try FixtureSandbox()
        let path = try box.write(text)
        #expect {
            try Fixture.load(path: path)
        } throws: { error in
            guard let error = error as? ArtifactError else { return false }
            let ok = error.code == .fixtureInvalid && (line == nil || error.line == line) && error.description.contains(containing)
            if !ok { Issue.record("unexpected error: \(error)") }
            return ok
        }
    }

    @Test func unknownStepKind() throws {
        try expectFixtureError("""
        unit: ../unit.yaml
        start: "2026-03-02T00:00:00Z"
        steps:
          - teleport: { account: alice }
        """, line: 4, containing: "unknown step kind 'teleport'")
    }

    @Test func tooManyDecimals() throws {
        try expectFixtureError("""
        unit: ../unit.yaml
        start: "2026-03-02T00:00:00Z"
        accounts: { alice: { USDS: "1" } }
        steps:
          - subscribe: { account: alice, amount: "0.0000000000000000001" }
        """, line: 5, containing: "steps[0].subscribe.amount")
    }

    @Test func twoActionsInOneStep() throws {
        try expectFixtureError("""
        unit: ../unit.yaml
        start: "2026-03-02T00:00:00Z"
        steps:
          - { tick: {}, lock: {} }
        """, line: 4, containing: "exactly one action")
    }

    @Test func atAndAfterTogether() throws {
        try expectFixtureError("""
        unit: ../unit.yaml
        start: "2026-03-02T00:00:00Z"
        steps:
          - { at: "2026-03-02T01:00:00Z", after: "1h", tick: {} }
        """, line: 4, containing: "at most one of 'at' and 'after'")
    }

    @Test func undeclaredAccount() throws {
        try expectFixtureError("""
        unit: ../unit.yaml
        start: "2026-03-02T00:00:00Z"
        steps:
          - subscribe: { account: mallory, amount: "1" }
        """, line: 4, containing: "account 'mallory' is not declared")
    }

    @Test func badTime() throws {
        try expectFixtureError("""
        unit: ../unit.yaml
        start: "yesterday"
        steps: []
        """, line: 2, containing: "not an ISO-8601 UTC time")
    }

    @Test func wrongAssetInAccounts() throws {
        try expectFixtureError("""
        unit: ../unit.yaml
        start: "2026-03-02T00:00:00Z"
        accounts: { alice: { DAI: "1" } }
        steps: []
        """, line: 3, containing: "asset 'DAI'")
    }

    @Test func missingUnitFile() throws {
        let box = try FixtureSandbox()
        let path = try box.write("""
        unit: ../nope.yaml
        start: "2026-03-02T00:00:00Z"
        steps: []
        """)
        #expect(throws: ArtifactError.self) { try Fixture.load(path: path) }
    }
}
