import Foundation
import Testing
@testable import HaloArtifacts
@testable import HaloCore

let sampleUnit = """
unit: tbill-a
kind: lcts
assets: { underlying: USDS, share: TBILL-A }
template: { name: lcts-unit, sha256: "0000000000000000000000000000000000000000000000000000000000000000" }
policy: { file: ../../policies/tbill.lua }
params: { stale_report_after: "36h", nav_tolerance: "0.01" }
rate_limits:
  deposit:  { max: "10000000", slope: "115.740740740740740740" }
  withdraw: unlimited
configurator: { hop: "18h", max_change: "1.25", inits: { deposit: { max: "10000000", slope: "115.74" } } }
signals: [STALE_REPORT, NAV_DEVIATION]
responses: [halt_subscriptions, haircut]
limits: { instructions: 5000000, memory: "8MiB", time: "100ms" }
reporting: [nav, holdings]
"""

@Suite struct UnitArtifactTests {
    @Test func parsesEveryField() throws {
        let unit = try UnitArtifact.parse(sampleUnit, path: "/halo/units/tbill/unit.yaml")
        #expect(unit.name == "tbill-a")
        #expect(unit.underlying == "USDS")
        #expect(unit.share == "TBILL-A")
        #expect(unit.policyFile == "/halo/policies/tbill.lua")
        #expect(unit.policySHA256 == nil)
        #expect(unit.param("stale_report_after") == "36h")
        #expect(unit.rateLimits.count == 2)
        #expect(unit.rateLimits[0].key == "deposit")
        #expect(unit.rateLimits[0].spec == .limited(maxAmount: try Amount(parsing: "10000000"),
                                                      slope: try Amount(parsing: "115.74074074074074074")))
        #expect(unit.rateLimits[1].spec == .unlimited)
        #expect(unit.configurator.hop == TimeSpan(milliseconds: 18 * 3_600_000))
        #expect(unit.configurator.maxChange == (try Rate(parsing: "1.25")))
        #expect(unit.configurator.inits["deposit"]?.slope == (try Amount(parsing: "115.74")))
        #expect(unit.responses == [.haltSubscriptions, .haircut])
        #expect(unit.limits == PolicyLimits(instructions: 5_000_000, memoryBytes: 8 << 20, wallTimeMilliseconds: 100))
        #expect(unit.reporting == ["nav", "holdings"])
    }

    @Test func nonExactAmountNamesLineAndField() {
        let text = sampleUnit.replacingOccurrences(of: "\"115.740740740740740740\"", with: "\"115.7407407407407407401\"")
        #expect {
            try UnitArtifact.parse(text, path: "unit.yaml")
        } throws: { error in
            guard let error = error as? ArtifactError else { return false }
            return error.code == .artifactInvalid && error.line == 8 && error.field == "rate_limits.deposit.slope"
                && error.description.hasPrefix("unit.yaml:8: artifact-invalid: rate_limits.deposit.slope:")
        }
    }

    @Test func unknownFieldIsAnError() {
        let text = sampleUnit + "\nrate_limit: {}\n"
        #expect(throws: ArtifactError.self) { try UnitArtifact.parse(text, path: "unit.yaml") }
    }

    @Test func unknownResponseIsAnError() {
        let text = sampleUnit.replacingOccurrences(of: "[halt_subscriptions, haircut]", with: "[halt_subscriptions, launch_rockets]")
        #expect {
            try UnitArtifact.parse(text, path: "unit.yaml")
        } throws: { error in
            (error as? ArtifactError)?.message.contains("launch_rockets") == true
        }
    }

    @Test func missingFieldNamesIt() {
        let text = sampleUnit.replacingOccurrences(of: "unit: tbill-a\n", with: "")
        #expect {
            try UnitArtifact.parse(text, path: "unit.yaml")
        } throws: { error in
            (error as? ArtifactError)?.message == "missing required field 'unit'"
        }
    }

    @Test func yamlSyntaxErrorHasALine() {
        #expect {
            try UnitArtifact.parse("unit: a\nassets: { underlying: USDS\n", path: "unit.yaml")
        } throws: { error in
            guard let error = error as? ArtifactError else { return false }
            return error.code == .artifactInvalid && error.line != nil
        }
    }

    @Test func wrongTypeIsAnError() {
        let text = sampleUnit.replacingOccurrences(of: "signals: [STALE_REPORT, NAV_DEVIATION]", with: "signals: { a: 1 }")
        #expect {
            try UnitArtifact.parse(text, path: "unit.yaml")
        } throws: { error in
            (error as? ArtifactError)?.field == "signals"
        }
    }

    @Test func memorySizes() throws {
        for (text, bytes) in [("16MiB", 16 << 20), ("512KiB", 512 << 10), ("1GiB", 1 << 30), ("4096", 4096)] {
            let yaml = sampleUnit.replacingOccurrences(of: "\"8MiB\"", with: "\"\(text)\"")
            #expect(try UnitArtifact.parse(yaml, path: "u.yaml").limits.memoryBytes == bytes)
        }
        let bad = sampleUnit.replacingOccurrences(of: "\"8MiB\"", with: "\"8 megs\"")
        #expect(throws: ArtifactError.self) { try UnitArtifact.parse(bad, path: "u.yaml") }
    }
}

@Suite struct ArtifactPathTests {
    @Test func resolvesRelativeToTheArtifact() {
        #expect(ArtifactPath.resolve("../../policies/a.lua", against: "examples/h/units/t/unit.yaml") == "examples/h/policies/a.lua")
        #expect(ArtifactPath.resolve("/abs/a.lua", against: "x/unit.yaml") == "/abs/a.lua")
        #expect(ArtifactPath.resolve("a.lua", against: "unit.yaml") == "a.lua")
        #expect(ArtifactPath.normalize("a/./b/../c") == "a/c")
    }
}
