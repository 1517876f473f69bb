import Foundation
import HaloArtifacts
import HaloCore
import PropertyBased
import Testing
@testable import HaloSimulation

/// A random strategy: a seeded generator in Lua picks, each day, a handful of orders of every
/// kind over every Unit (and one that does not exist), with amounts from dust to far beyond
/// any limit; now and then it returns garbage or raises, which must change nothing.
func randomStrategy(seed: Int) -> String {
    """
    local halo = require "halo"
    local state = \(seed % 2_147_483_647 + 1)
    local function rand(n) state = (state * 48271) % 2147483647; return state % n + 1 end
    local AMOUNTS = { "1", "1000", "50000", "99999", "100000", "2000000", "45000000", "150000000", "999999999999" }
    local FACTORS = { "0.5", "1", "1.25", "1.3", "4" }
    return { allocate = function(ctx)
      for _ = 1, ctx.day do rand(7) end
      local roll = rand(40)
      if roll == 1 then return 42 end
      if roll == 2 then error("random failure") end
      local names = { "nowhere" }
      for name in pairs(ctx.universe) do names[#names + 1] = name end
      table.sort(names)
      local orders = {}
      for _ = 1, rand(6) do
        local name = names[rand(#names)]
        local kind = rand(10)
        local unit = ctx.universe[name]
        if kind <= 6 then
          orders[#orders + 1] = halo.orders.subscribe(name, AMOUNTS[rand(#AMOUNTS)])
        elseif kind <= 8 then
          local limit = unit and unit.rate_limit
          local max = limit and limit.max or halo.amount("100000")
          local factor = halo.amount(FACTORS[rand(#FACTORS)])
          orders[#orders + 1] = halo.orders.configure(name, { max = max * factor, slope = (limit and limit.slope or halo.amount("1")) * factor })
        else
          local position = ctx.prime.positions[name]
          if position and not position.held:is_zero() then
            orders[#orders + 1] = halo.orders.redeem(name, position.held / rand(3))
          else
            orders[#orders + 1] = halo.orders.redeem(name, AMOUNTS[rand(#AMOUNTS)])
          end
        end
      end
      return orders
    end }
    """
}

@Suite struct PrimeConstraintPropertyTests {
    static let caps = [
        "{ encumbrance_max: \"0.9\", unit_cap: \"0.5\", class_caps: { clo: \"0.4\" } }",
        "{ encumbrance_max: \"0.5\", unit_cap: \"0.2\", class_caps: { clo: \"0.1\", tbill: \"0.3\", mmf: \"0.3\" } }",
        "{ encumbrance_max: \"0.9\", unit_cap: \"1\" }",
    ]

    func check(_ simulation: Simulation) {
        for day in simulation.record {
            for (unitName, unit) in day.units where !unit.onboarded {
                #expect(unit.queued.isZero, "day \(day.day): \(unitName) is not onboarded and received \(unit.queued)")
            }
            for (primeName, prime) in day.primes {
                let artifact = simulation.scenario.primes.first { $0.name == primeName }!
                for (unitName, entry) in prime.units {
                    let allowance = prime.allowance[unitName] ?? .zero
                    #expect(entry.queued <= allowance, "day \(day.day) \(primeName): \(unitName) queued \(entry.queued) above the rate limit's \(allowance)")
                    if day.units[unitName]?.onboarded == false { #expect(entry.queued.isZero) }
                }
                #expect(prime.encumbrance <= prime.encumbranceLimit, "day \(day.day) \(primeName): encumbrance \(prime.encumbrance) > \(prime.encumbranceLimit)")
                let unitLimit = OrderValidator.scaled(prime.portfolio, artifact.constraints.unitCap)
                for (unitName, exposure) in prime.exposure {
                    #expect(exposure <= unitLimit, "day \(day.day) \(primeName): \(unitName) exposure \(exposure) above unit cap \(unitLimit)")
                }
                for (assetClass, exposure) in prime.classExposure {
                    guard let cap = artifact.constraints.classCaps[assetClass] else { continue }
                    #expect(exposure <= OrderValidator.scaled(prime.portfolio, cap), "day \(day.day) \(primeName): class \(assetClass) above its cap")
                }
            }
        }
    }

    @Test func constraintsHoldOverRandomStrategiesAndScenarios() async {
        let gen = zip(Gen.int(in: 1...1_000_000), Gen.int(in: 1...3), Gen.int(in: 5...12), Gen.int(in: 1...6), Gen.int(in: 0...2))
        await propertyCheck(count: 12, input: gen) { seed, primeCount, days, eventDay, capsIndex in
            let directory = SimulationFixtures.scratch()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var primes: [String] = []
            for index in 0..<primeCount {
                let governance = index == 0 ? "rate_limits: { tbill-a: { max: \"40000000\", slope: \"462.962962962962962962\" } }" : ""
                primes.append(SimulationFixtures.prime("p\(index)", policy: randomStrategy(seed: seed &* 31 &+ index), in: directory,
                                                       usds: "\(100_000_000 * (index + 1))", capital: "\(2_000_000 * (index + 1))",
                                                       constraints: Self.caps[(capsIndex + index) % Self.caps.count], extra: governance))
            }
            let events = """
              - { day: \(eventDay), onboard: clo-aaa-b }
              - { day: \(min(days, eventDay + 2)), governance: { prime: p0, unit: clo-aaa-b, set_rate_limit: { max: "30000000", slope: "115.74" } } }
              - { day: \(max(1, days - 3)), manager_silent: mmf-a }
            """
            let path = SimulationFixtures.scenario(primes: primes, in: directory, days: days, events: events)
            let simulation = try SimulationFixtures.run(path)
            #expect(simulation.record.count == days)
            // Not vacuous: the random strategies did propose orders.
            #expect(simulation.record.contains { day in day.primes.values.contains { !$0.orders.isEmpty } })
            check(simulation)
        }
    }

    @Test func determinismOverRandomStrategies() async {
        await propertyCheck(count: 4, input: Gen.int(in: 1...1_000_000)) { seed in
            let directory = SimulationFixtures.scratch()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let prime = SimulationFixtures.prime("p", policy: randomStrategy(seed: seed), in: directory)
            let path = SimulationFixtures.scenario(primes: [prime], in: directory, days: 6, navDaily: "0.0002")
            let a = SimulationReport.json(try SimulationFixtures.run(path)).serialized()
            let b = SimulationReport.json(try SimulationFixtures.run(path)).serialized()
            #expect(a == b)
        }
    }
}
