import HaloArtifacts
import HaloCore
import Testing

@Suite struct PrimeArtifactTests {
    @Test func loadsTheExamplePrime() throws {
        let prime = try PrimeArtifact.load(path: SimulationFixtures.root + "/examples/primes/spark.yaml")
        #expect(prime.name == "spark")
        #expect(prime.capital.description == "250000000")
        #expect(prime.constraints.encumbranceMax.description == "0.9")
        #expect(prime.constraints.classCaps["clo"]?.description == "0.3")
        #expect(prime.defaultLimit.initMax.description == "100000")
        #expect(prime.unitLimits.map(\.unit) == ["tbill-a", "mmf-a", "clo-aaa-a"])
        #expect(prime.policyFile.hasSuffix("policies/primes/yield-seeker.lua"))
    }

    @Test func refusesUnknownFieldsWithFileAndLine() {
        let text = "prime: p\ncapital: \"1\"\nusds: \"1\"\npolicy: { file: p.lua }\nbudget: 3\n"
        #expect { try PrimeArtifact.parse(text, path: "p.yaml") } throws: { error in
            let description = (error as? ArtifactError)?.description ?? ""
            return description.hasPrefix("p.yaml:5: artifact-invalid: budget: unknown field 'budget'")
        }
    }

    @Test func refusesRatiosAboveOne() {
        let text = "prime: p\ncapital: \"1\"\nusds: \"1\"\npolicy: { file: p.lua }\nconstraints: { unit_cap: \"1.5\" }\n"
        #expect { try PrimeArtifact.parse(text, path: "p.yaml") } throws: { error in
            (error as? ArtifactError)?.description.contains("constraints.unit_cap") == true
        }
    }

    @Test func unitArtifactsCarryClassAndCRR() throws {
        let unit = try UnitArtifact.load(path: SimulationFixtures.root + "/examples/credit-beta/units/clo-aaa-b/unit.yaml")
        #expect(unit.assetClass == "clo")
        #expect(unit.crr?.description == "0.05")
    }

    @Test func scenarioNamesUnknownUnitsByLine() throws {
        let directory = SimulationFixtures.scratch()
        let prime = SimulationFixtures.prime("p", policy: "return { allocate = function() return {} end }", in: directory)
        let path = SimulationFixtures.scenario(primes: [prime], in: directory, days: 2, events: "  - { day: 2, onboard: nowhere-z }")
        #expect { try Scenario.load(path: path) } throws: { error in
            let text = (error as? ArtifactError)?.description ?? ""
            return text.contains("scenario.yaml:") && text.contains("no Unit 'nowhere-z'")
        }
    }

    @Test func managerSeriesDriftAndTable() throws {
        let drift = ManagerSeries.drift(start: try Amount(parsing: "1"), daily: try Rate(parsing: "0.5"), falling: false)
        #expect(drift.values(days: 3).map(\.description) == ["1", "1.5", "2.25"])
        let falling = ManagerSeries.drift(start: try Amount(parsing: "1"), daily: try Rate(parsing: "0.5"), falling: true)
        #expect(falling.values(days: 3).map(\.description) == ["1", "0.5", "0.25"])
        let table = ManagerSeries.table([try Amount(parsing: "1"), try Amount(parsing: "0.99")])
        #expect(table.values(days: 3).map(\.description) == ["1", "0.99", "0.99"])
    }
}
