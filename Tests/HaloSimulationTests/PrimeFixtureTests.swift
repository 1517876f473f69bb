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

    /// A checklist line shows its code once, in parentheses after the detail: the detail is
    /// the located message only (a newcomer saw `... sandbox-timeout: ... (sandbox-timeout)`).
    @Test func aFailedChecklistItemNamesItsCodeOnce() throws {
        let directory = SimulationFixtures.scratch()
        let reports = [
            PrimeChecker.check(path: SimulationFixtures.root + "/examples/primes/tests/broken/prime.yaml", stdlib: SimulationFixtures.stdlib),
            PrimeChecker.check(path: SimulationFixtures.prime("syntax", policy: "local P = {}\nfunction P.allocate(ctx)\n  return {\nend\nreturn P", in: directory),
                               stdlib: SimulationFixtures.stdlib),
        ]
        for report in reports {
            let failed = try #require(report.items.first { !$0.ok })
            let code = try #require(failed.code)
            #expect(!failed.detail.contains(code), "\(failed.detail)")
            let line = try #require(report.text().split(separator: "\n").first { $0.contains(failed.title) })
            #expect(line.components(separatedBy: code).count == 2, "\(line)")
        }
        #expect(reports[0].items.last?.detail.hasPrefix("examples/primes/tests/broken/looping.lua:5: instruction budget") == true
                || reports[0].items.last?.detail.contains("looping.lua:5: instruction budget of 100000 exhausted") == true)
        #expect(reports[1].items.last?.detail.contains("syntax.lua:") == true)
    }

    /// A scenario whose Prime policy does not load: the error names the artifact, the Prime,
    /// the policy's file and line, and its code once.
    @Test func aPrimeThatDoesNotLoadIsReportedWithItsCodeOnce() throws {
        let directory = SimulationFixtures.scratch()
        let artifact = SimulationFixtures.prime("bad", policy: "local P = {}\nfunction P.allocate(ctx)\n  return {\nend\nreturn P", in: directory)
        let loaded = try PrimeArtifact.load(path: artifact)
        do {
            _ = try PrimeRuntime(artifact: loaded, stdlib: SimulationFixtures.stdlib)
            Issue.record("a policy with a syntax error loaded")
        } catch {
            #expect(error.code == "policy-error")
            #expect(error.description.components(separatedBy: "policy-error").count == 2, "\(error.description)")
            #expect(error.description.contains("Prime 'bad': "), "\(error.description)")
            #expect(error.description.contains("bad.lua:"), "\(error.description)")
        }
    }
}
