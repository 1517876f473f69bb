import Foundation
import HaloArtifacts
import HaloCore
import Testing
@testable import HaloSimulation

/// A policy that asks for 150M in every Unit each day: as much as its limit lets through where
/// the Unit is onboarded, the full 150M where it is not (to be refused); it raises every limit
/// once a hop.
let greedyPolicy = """
local halo = require "halo"
return { allocate = function(ctx)
  local orders = {}
  local names = {}
  for name in pairs(ctx.universe) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    local u = ctx.universe[name]
    local amount = halo.amount("150000000")
    if u.onboarded then amount = halo.min(amount, u.headroom) end
    if not amount:is_zero() then orders[#orders + 1] = halo.orders.subscribe(name, amount) end
    if u.rate_limit and ctx.time >= u.rate_limit.next_increase then
      orders[#orders + 1] = halo.orders.configure(name, { max = u.rate_limit.max * halo.amount("1.25"), slope = u.rate_limit.slope * halo.amount("1.25") })
    end
  end
  return orders
end }
"""

@Suite struct SimulationTests {
    func tokens(_ text: String) -> UInt256 { try! Amount(parsing: text).units }

    @Test func notOnboardedUnitReceivesNothingUntilItsDay() throws {
        let directory = SimulationFixtures.scratch()
        let prime = SimulationFixtures.prime("greedy", policy: greedyPolicy, in: directory)
        let simulation = try SimulationFixtures.run(SimulationFixtures.scenario(primes: [prime], in: directory, days: 5))
        for day in simulation.record[0..<2] {
            #expect(day.units["clo-aaa-b"]!.queued.isZero)
            #expect(day.units["clo-aaa-b"]!.refused["not-onboarded"] == 1)
            #expect(day.primes["greedy"]!.units["clo-aaa-b"]?.queued.isZero ?? true)
        }
        #expect(!simulation.record[2].units["clo-aaa-b"]!.queued.isZero)
        #expect(simulation.launches.map(\.unit) == ["clo-aaa-b"])
    }

    @Test func sorlBoundsTheFirstDaysAndRaisesHopByHop() throws {
        let directory = SimulationFixtures.scratch()
        let prime = SimulationFixtures.prime("greedy", policy: greedyPolicy, in: directory)
        let simulation = try SimulationFixtures.run(SimulationFixtures.scenario(primes: [prime], in: directory, days: 8))
        // Onboarded at 00:00 of day 3, empty; at 12:00 twelve hours of the 100,000/day init have refilled.
        let day3 = simulation.record[2].primes["greedy"]!
        #expect(day3.allowance["clo-aaa-b"] == tokens("49999.9999999999999824"))   // 43,200 s x 1.157407407407407407
        #expect(day3.units["clo-aaa-b"]!.queued == tokens("49999.9999999999999824"))
        // Configuring the init at 00:00 was an increase: the next one waits a hop (18 h).
        #expect(day3.orders.contains { $0.order.kind == "configure" && $0.order.unit == "clo-aaa-b" } == false)
        let day4 = simulation.record[3].primes["greedy"]!
        let configure = day4.orders.first { $0.order.kind == "configure" && $0.order.unit == "clo-aaa-b" }
        #expect(configure?.applied == true)
        // Never more than max x 1.25 per day: the allowance on day 8 is at most 100,000 x 1.25^5.
        #expect(simulation.record[7].primes["greedy"]!.allowance["clo-aaa-b"]! <= tokens("305176"))
    }

    @Test func governanceLimitsStartFull() throws {
        let directory = SimulationFixtures.scratch()
        let prime = SimulationFixtures.prime("greedy", policy: greedyPolicy, in: directory)
        let events = """
          - { day: 3, onboard: clo-aaa-b }
          - { day: 3, governance: { prime: greedy, unit: clo-aaa-b, set_rate_limit: { max: "100000000", slope: "578.703703703703703703" } } }
        """
        let simulation = try SimulationFixtures.run(SimulationFixtures.scenario(primes: [prime], in: directory, days: 4, events: events))
        let day3 = simulation.record[2]
        // 150M asked, the full 100M limit passes; clo cap 0.4 of 1B = 400M is not binding.
        #expect(day3.primes["greedy"]!.units["clo-aaa-b"]!.queued == tokens("100000000"))
        #expect(day3.units["clo-aaa-b"]!.converted == tokens("100000000"))
    }

    @Test func encumbranceAndConcentrationAreRefused() throws {
        let directory = SimulationFixtures.scratch()
        let policy = """
        local halo = require "halo"
        return { allocate = function(ctx)
          return { halo.orders.subscribe("clo-aaa-a", "30000000"),   -- 1.5M of required capital: above 900k
                   halo.orders.subscribe("clo-aaa-a", "10000000"),   -- 500k: fits
                   halo.orders.subscribe("tbill-a", "600000000") }    -- above unit_cap 0.5 of 1B
        end }
        """
        // Capital 1M at 90 %: 900k of required capital; a CLO at crr 0.05 allows 18M of exposure.
        let prime = SimulationFixtures.prime("p", policy: policy, in: directory, capital: "1000000",
                                             extra: "rate_limits: { clo-aaa-a: { max: \"100000000\", slope: \"1157.407407407407407407\" }, tbill-a: { max: \"1000000000\", slope: \"11574.074074074074074074\" } }")
        let simulation = try SimulationFixtures.run(SimulationFixtures.scenario(primes: [prime], in: directory, days: 1))
        let day = simulation.record[0].primes["p"]!
        #expect(day.orders.map { $0.code ?? "ok" } == ["encumbrance-exceeded", "ok", "concentration-exceeded"])
        #expect(day.encumbrance <= day.encumbranceLimit)
        #expect(day.usds == tokens("990000000"))
    }

    @Test func brokenPrimePoliciesChangeNothingAndTheRunGoesOn() throws {
        let directory = SimulationFixtures.scratch()
        let loop = SimulationFixtures.prime("looping", policy: "return { allocate = function(ctx) while true do end end }", in: directory)
        let error = SimulationFixtures.prime("erroring", policy: "return { allocate = function(ctx) error('boom') end }", in: directory)
        let garbage = SimulationFixtures.prime("garbage", policy: "return { allocate = function(ctx) ctx.state.x = 1; return { 42, 'x' } end }", in: directory)
        let float = SimulationFixtures.prime("floating", policy: "local h = require 'halo'; return { allocate = function(ctx) return { { order = 'subscribe', unit = 'tbill-a', amount = 1.5 } } end }", in: directory)
        let good = SimulationFixtures.prime("greedy", policy: greedyPolicy, in: directory)
        let simulation = try SimulationFixtures.run(SimulationFixtures.scenario(primes: [loop, error, garbage, float, good], in: directory, days: 4))
        #expect(simulation.record.count == 4)
        #expect(simulation.policyFailures.count == 16)
        for name in ["looping", "erroring", "garbage", "floating"] {
            for day in simulation.record {
                let prime = day.primes[name]!
                #expect(prime.policyFailure != nil)
                #expect(prime.orders.isEmpty)
                #expect(prime.usds == tokens("1000000000"))
                #expect(prime.units.values.allSatisfy { $0.shares.isZero && $0.pending.isZero })
            }
        }
        #expect(simulation.policyFailures.first { $0.prime == "looping" }?.failure.code == "sandbox-timeout")
        #expect(simulation.policyFailures.first { $0.prime == "garbage" }?.failure.code == "bad-decision")
        #expect(simulation.record[3].primes["greedy"]!.usds < tokens("1000000000"))
        // The failed call's state write was not kept.
        let garbageRuntime = simulation.primes.first { $0.name == "garbage" }!
        #expect(garbageRuntime.state.entries.isEmpty)
    }

    @Test func sameScenarioSameBytes() throws {
        let path = SimulationFixtures.root + "/examples/primes/launch-governance.yaml"
        let first = try Simulation(scenario: try Scenario.load(path: path), stdlib: SimulationFixtures.stdlib, days: 6, onboardingTests: false)
        first.run()
        let second = try Simulation(scenario: try Scenario.load(path: path), stdlib: SimulationFixtures.stdlib, days: 6, onboardingTests: false)
        second.run()
        let a = SimulationReport.json(first).pretty()
        #expect(a == SimulationReport.json(second).pretty())
        #expect(SimulationChart.svg(first) == SimulationChart.svg(second))
        #expect(SimulationReport.csv(first).map(\.text) == SimulationReport.csv(second).map(\.text))
    }

    /// A day's Units and Primes run side by side; whatever the number of threads, every day,
    /// refusal and chart comes out the same as on one.
    @Test(arguments: ["launch-sorl.yaml", "launch-governance.yaml"])
    func oneThreadOrFourSameBytes(_ scenario: String) throws {
        let path = SimulationFixtures.root + "/examples/primes/" + scenario
        func run(_ workers: Int) throws -> Simulation {
            let simulation = try Simulation(scenario: try Scenario.load(path: path), stdlib: SimulationFixtures.stdlib, days: 12,
                                            onboardingTests: false, workers: workers)
            simulation.run()
            return simulation
        }
        let one = try run(1)
        let four = try run(4)
        #expect(one.workers == 1 && four.workers == 4)
        #expect(SimulationReport.json(one).pretty() == SimulationReport.json(four).pretty())
        #expect(SimulationChart.svg(one) == SimulationChart.svg(four))
        #expect(one.record.flatMap(\.events) == four.record.flatMap(\.events))
    }

    @Test func exampleLaunchesAnswerTheDayOneClaim() throws {
        let root = SimulationFixtures.root + "/examples/primes/"
        let sorl = try Simulation(scenario: try Scenario.load(path: root + "launch-sorl.yaml"), stdlib: SimulationFixtures.stdlib,
                                  days: 10, onboardingTests: false)
        sorl.run()
        let governance = try Simulation(scenario: try Scenario.load(path: root + "launch-governance.yaml"), stdlib: SimulationFixtures.stdlib,
                                        days: 10, onboardingTests: false)
        governance.run()
        let sorlDay1 = sorl.launches.first { $0.unit == "clo-aaa-b" }!.day1!
        let governanceDay1 = governance.launches.first { $0.unit == "clo-aaa-b" }!.day1!
        #expect(sorlDay1 <= tokens("500000"))           // five Primes, at most 100,000 each
        #expect(governanceDay1 >= tokens("100000000"))  // hundreds of millions
    }

    @Test func exitReturnsPendingUSDSAndReplenishesTheLimit() throws {
        let directory = SimulationFixtures.scratch()
        let policy = """
        local halo = require "halo"
        return { allocate = function(ctx)
          if ctx.day == 6 then return { halo.orders.subscribe("tbill-a", "1000000") } end  -- a Saturday: no cycle
          if ctx.day == 7 then return { halo.orders.exit("tbill-a") } end
          return {}
        end }
        """
        let prime = SimulationFixtures.prime("p", policy: policy, in: directory, extra: "rate_limits: { tbill-a: { max: \"5000000\", slope: \"57.87037037037037037\" } }")
        let simulation = try SimulationFixtures.run(SimulationFixtures.scenario(primes: [prime], in: directory, days: 7))
        #expect(simulation.record[5].primes["p"]!.units["tbill-a"]!.pending == tokens("1000000"))
        let day7 = simulation.record[6].primes["p"]!
        #expect(day7.orders.first?.applied == true)
        #expect(day7.usds == tokens("1000000000"))
    }
}
