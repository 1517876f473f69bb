import Foundation
import HaloArtifacts
import Testing
@testable import HaloSimulation

@Suite struct PrimeFixtureTests {
    @Test func examplePrimeFixturesAreFoundAndPass() throws {
        let found = PrimeFixtureRunner.discover(under: [SimulationFixtures.root + "/examples"])
        #expect(found.map { ($0 as NSString).lastPathComponent } == ["policy-failure.yaml", "sorl-first-day.yaml", "tbill-only-ignores-the-launch.yaml"])
        for path in found {
            let result = try PrimeFixtureRunner.run(path: path, stdlib: SimulationFixtures.stdlib)
            #expect(result.passed, "\(path): \(result.failures)")
        }
    }

    @Test func aWrongExpectationFailsNamingTheDay() throws {
        let directory = SimulationFixtures.scratch()
        let prime = SimulationFixtures.prime("p", policy: "return { allocate = function(ctx) return {} end }", in: directory)
        let expect = """
        expect:
          - { day: 2, prime: p, usds: "5", refused: [ { unit: tbill-a, code: not-onboarded } ] }
        """
        let path = SimulationFixtures.scenario(primes: [prime], in: directory, days: 2, expect: expect)
        let result = try PrimeFixtureRunner.run(path: path, stdlib: SimulationFixtures.stdlib)
        #expect(!result.passed)
        #expect(result.failures.count == 2)
        #expect(result.failures.allSatisfy { $0.contains("day 2 p") })
    }

    @Test func checkerAcceptsAPrimeAndRefusesABrokenPolicy() {
        let good = PrimeChecker.check(path: SimulationFixtures.root + "/examples/primes/spark.yaml", stdlib: SimulationFixtures.stdlib)
        #expect(good.ok)
        #expect(good.items.map(\.title).contains("policy loads with an allocate hook"))
        let looping = PrimeChecker.check(path: SimulationFixtures.root + "/examples/primes/tests/broken/prime.yaml", stdlib: SimulationFixtures.stdlib)
        #expect(!looping.ok)
        #expect(looping.items.last?.code == "sandbox-timeout")
        let directory = SimulationFixtures.scratch()
        let noHook = SimulationFixtures.prime("n", policy: "return { settle = function() end }", in: directory)
        let report = PrimeChecker.check(path: noHook, stdlib: SimulationFixtures.stdlib)
        #expect(!report.ok)
        #expect(report.items.contains { $0.code == "bad-decision" && $0.detail.contains("no allocate hook") })
        #expect(PrimeChecker.handles(noHook))
        #expect(!PrimeChecker.handles(SimulationFixtures.alpha))
    }
}
