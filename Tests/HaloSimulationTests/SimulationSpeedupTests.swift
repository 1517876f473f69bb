import Foundation
import HaloArtifacts
import HaloCore
import Testing
@testable import HaloSimulation

/// The shortcuts the simulation takes for speed give the same answers as the long way round.
@Suite struct SimulationSpeedupTests {
    func tokens(_ text: String) -> UInt256 { try! Amount(parsing: text).units }

    /// `view(keepingPositions: true)` (allocate and the end-of-day record) is the plain view,
    /// and its positions are each Unit's own `position(in:)`, for every Prime: a Prime with
    /// positions and pending USDS, and one that holds nothing.
    @Test func viewKeepingPositionsIsThePlainViewAndEachPosition() throws {
        let directory = SimulationFixtures.scratch()
        let greedy = SimulationFixtures.prime("greedy", policy: greedyPolicy, in: directory)
        let idle = SimulationFixtures.prime("idle", policy: "return { allocate = function(ctx) return {} end }", in: directory)
        let simulation = try SimulationFixtures.run(SimulationFixtures.scenario(primes: [greedy, idle], in: directory, days: 4))
        let time = simulation.scenario.start.adding(seconds: 4 * Timestamp.secondsPerDay - 1)
        for prime in simulation.primes {
            let plain = prime.view(units: simulation.units, at: time)
            let (view, positions) = prime.view(units: simulation.units, at: time, keepingPositions: true)
            #expect(view.usds == plain.usds)
            #expect(view.encumbrance == plain.encumbrance)
            #expect(view.encumbranceLimit == plain.encumbranceLimit)
            #expect(view.portfolio == plain.portfolio)
            #expect(view.exposure == plain.exposure)
            #expect(view.classExposure == plain.classExposure)
            #expect(view.shares == plain.shares)
            #expect(view.pending == plain.pending)
            #expect(view.headroom == plain.headroom)
            #expect(positions.count == simulation.units.count)
            for (index, unit) in simulation.units.enumerated() {
                let own = prime.position(in: unit)
                #expect(positions[index].shares == own.shares && positions[index].value == own.value)
                #expect(positions[index].held == own.held && positions[index].pending == own.pending)
            }
            #expect(prime.view(units: simulation.units, at: time, keepingPositions: false).positions.isEmpty)
        }
        let greedyView = simulation.primes[0].view(units: simulation.units, at: time)
        #expect(!greedyView.exposure.isEmpty)
        #expect(simulation.primes[1].view(units: simulation.units, at: time).exposure.isEmpty)
    }

    /// The shipped `sizing` keeps per-call constants in the budget; a budget a strategy makes
    /// itself, without those caches, sizes exactly the same orders.
    @Test func sizingWithAHandMadeBudgetSizesTheSameOrders() throws {
        let directory = SimulationFixtures.scratch()
        try FileManager.default.copyItem(atPath: SimulationFixtures.root + "/policies/primes/sizing.lua", toPath: directory + "/sizing.lua")
        func strategy(_ budget: String) -> String {
            """
            local halo = require "halo"
            local sizing = require "sizing"
            return { allocate = function(ctx)
              local budget = \(budget)
              local orders = {}
              for _, name in ipairs(sizing.units(ctx, function() return true end)) do
                local cap = sizing.cap(ctx, name, "0.2", budget)
                local exposure = sizing.exposure(ctx, name)
                if cap > exposure then sizing.subscribe(ctx, orders, budget, name, cap - exposure, "1000") end
              end
              return orders
            end }
            """
        }
        let shipped = SimulationFixtures.prime("shipped", policy: strategy("sizing.budget(ctx, \"0.05\")"), in: directory)
        let handMade = SimulationFixtures.prime("handmade", policy: strategy("""
            (function()
                local b = sizing.budget(ctx, "0.05")
                return { usds = b.usds, risk = b.risk, classes = b.classes }
              end)()
            """), in: directory)
        // Each alone: a Prime sharing the Units with another would see them differently.
        let first = try SimulationFixtures.run(SimulationFixtures.scenario(primes: [shipped], in: directory, days: 5))
        let second = try SimulationFixtures.run(SimulationFixtures.scenario(primes: [handMade], in: directory, days: 5))
        #expect(first.policyFailures.isEmpty && second.policyFailures.isEmpty)
        var ordered = 0
        for (a, b) in zip(first.record, second.record) {
            let mine = a.primes["shipped"]!.orders.map { "\($0.order.kind) \($0.order.unit) \($0.order.amount?.description ?? "")" }
            let theirs = b.primes["handmade"]!.orders.map { "\($0.order.kind) \($0.order.unit) \($0.order.amount?.description ?? "")" }
            #expect(mine == theirs)
            ordered += mine.count
        }
        #expect(ordered > 0)
    }

    /// An applied order's reason is written out only when read, and reads as it always did.
    @Test func anAppliedOrderSaysWhatItDidWhenAsked() throws {
        let amount = try Amount(parsing: "1500.25")
        let subscribe = OrderOutcome(applied: .subscribe(unit: "tbill-a", amount: amount))
        #expect(subscribe.applied && subscribe.reason == "queued 1500.25 USDS")
        #expect(subscribe == OrderOutcome(order: .subscribe(unit: "tbill-a", amount: amount), code: nil, reason: "queued 1500.25 USDS"))
        let configure = OrderOutcome(applied: .configure(unit: "clo-aaa-b", maxAmount: try Amount(parsing: "125000"), slope: nil))
        #expect(configure.reason == "deposit limit into clo-aaa-b now max 125000")
        let redeem = OrderOutcome(applied: .redeem(unit: "mmf-a", shares: try Amount(parsing: "10", decimals: 6)))
        #expect(redeem.reason == "queued 10 shares for redemption")
        var refused = OrderOutcome(order: .exit(unit: "mmf-a"), code: "no-position", reason: "nothing pending")
        #expect(!refused.applied && refused.reason == "nothing pending")
        refused.reason = "changed"
        #expect(refused.reason == "changed" && refused != subscribe)
    }
}
