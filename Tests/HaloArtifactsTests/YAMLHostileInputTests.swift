import Foundation
import Testing
@testable import HaloArtifacts

/// Issue 9, kinds 5 and 10: every YAML error names the line of the key it is about, and
/// every YAML document is bounded in depth and in alias expansion.
@Suite struct YAMLHostileInputTests {
    func error(_ body: () throws -> Void) -> ArtifactError? {
        do { try body() } catch let error as ArtifactError { return error } catch { Issue.record("not an ArtifactError: \(error)") }
        return nil
    }

    // MARK: Kind 5: the key's line

    /// `rate_limit:` typed for `rate_limits:`, its value an indented block: the error named the
    /// line after the key (where the block starts).
    @Test func unknownKeyWithABlockValueIsReportedAtTheKey() throws {
        let text = sampleUnit.replacingOccurrences(of: "rate_limits:", with: "rate_limit:")
        let keyLine = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("rate_limit:") }! + 1
        let failure = error { _ = try UnitArtifact.parse(text, path: "unit.yaml") }
        #expect(failure?.line == keyLine, "\(String(describing: failure))")
        #expect(failure?.message.contains("unknown field 'rate_limit'") == true)
    }

    /// A wrong value under a block key: the key's line too (`configurator:` then `hop: []`
    /// two lines down names `hop`'s line, not the mapping's).
    @Test func nestedBlockValuesNameTheirKeys() throws {
        let text = sampleUnit.replacingOccurrences(
            of: #"configurator: { hop: "18h", max_change: "1.25", inits: { deposit: { max: "10000000", slope: "115.74" } } }"#,
            with: "configurator:\n  max_change: \"1.25\"\n  hop:\n    - 18h\n")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let hopLine = lines.firstIndex { $0.hasPrefix("  hop:") }! + 1
        let failure = error { _ = try UnitArtifact.parse(text, path: "unit.yaml") }
        #expect(failure?.line == hopLine, "\(String(describing: failure))")
        #expect(failure?.field == "configurator.hop")
    }

    @Test func haloArtifactAndFixtureNameTheKeyLine() throws {
        let box = try FixtureSandbox()
        let halo = box.root + "/halo.yaml"
        try """
        halo: h
        revision: 1
        unit:
          - units/u/unit.yaml
        """.write(toFile: halo, atomically: true, encoding: .utf8)
        let haloFailure = error { _ = try HaloArtifact.load(path: halo) }
        #expect(haloFailure?.line == 3 && haloFailure?.code == .artifactInvalid, "\(String(describing: haloFailure))")

        let fixture = try box.write("""
        unit: ../unit.yaml
        start: "2026-03-02T00:00:00Z"
        step:
          - tick: {}
        """)
        let fixtureFailure = error { _ = try Fixture.load(path: fixture) }
        #expect(fixtureFailure?.line == 3 && fixtureFailure?.code == .fixtureInvalid, "\(String(describing: fixtureFailure))")

        // A step's field whose value is a block: the field's key line.
        let step = try box.write("""
        unit: ../unit.yaml
        start: "2026-03-02T00:00:00Z"
        accounts: { alice: { USDS: "1" } }
        steps:
          - subscribe:
              account: alice
              amount:
                nested: "1"
        """, "g.yaml")
        let stepFailure = error { _ = try Fixture.load(path: step) }
        #expect(stepFailure?.line == 7, "\(String(describing: stepFailure))")
    }

    // MARK: Kind 10: bounds

    /// A `report` nested 5,000 levels through a chain of aliases crashed `halo dry-run` with
    /// SIGSEGV (stack overflow converting the report).
    @Test func aliasChainIsRefusedNotACrash() throws {
        var text = """
        unit: ../unit.yaml
        start: "2026-03-02T00:00:00Z"
        steps:
          - report:
              nav: "1"
              a0: &a0 [x]

        """
        for level in 1...5_000 { text += "      a\(level): &a\(level) [*a\(level - 1)]\n" }
        let box = try FixtureSandbox()
        let path = try box.write(text)
        let failure = error { _ = try Fixture.load(path: path) }
        #expect(failure?.code == .fixtureInvalid, "\(String(describing: failure))")
        #expect(failure?.message.contains("deeper than \(YAMLBounds.maxDepth)") == true, "\(String(describing: failure))")
        // The line where the depth bound is crossed: a0 is depth 1 under report's mapping...
        #expect(failure?.line.map { $0 > 6 && $0 < 6 + YAMLBounds.maxDepth + 2 } == true, "\(String(describing: failure))")
    }

    @Test func billionLaughsIsRefused() throws {
        var text = "halo: bomb\nrevision: 1\nlol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let previous = Array(repeating: "*lol\(level - 1)", count: 10).joined(separator: ", ")
            text += "lol\(level): &lol\(level) [\(previous)]\n"
        }
        let failure = error { _ = try YAMLNode.parse(text, file: "halo.yaml", code: .artifactInvalid) }
        #expect(failure?.code == .artifactInvalid)
        #expect(failure?.message.contains("more than \(YAMLBounds.maxNodes) nodes") == true, "\(String(describing: failure))")
        // lol4 alone names 111,111 nodes: the bound is crossed on its line (line 7).
        #expect(failure?.line == 7, "\(String(describing: failure))")
    }

    @Test func literalNestingIsBounded() throws {
        let deep = "a: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        // (libyaml's scanner stops at its own bound of 1,000 first; either way a refusal with a line.)
        let failure = error { _ = try YAMLNode.parse(deep, file: "f.yaml", code: .fixtureInvalid) }
        #expect(failure?.code == .fixtureInvalid && failure?.line == 1, "\(String(describing: failure))")
        // Just inside the bound is fine (the root mapping is level 1).
        let ok = "a: " + String(repeating: "[", count: YAMLBounds.maxDepth - 1) + String(repeating: "]", count: YAMLBounds.maxDepth - 1)
        _ = try YAMLNode.parse(ok, file: "f.yaml", code: .fixtureInvalid)
        let over = "a: " + String(repeating: "[", count: YAMLBounds.maxDepth) + String(repeating: "]", count: YAMLBounds.maxDepth)
        #expect(error { _ = try YAMLNode.parse(over, file: "f.yaml", code: .fixtureInvalid) } != nil)
    }

    /// Aliases that stay small are still fine: the shipped fixtures use anchors for shared blocks.
    @Test func ordinaryAliasesStillWork() throws {
        let text = """
        base: &base { nav: "1", holdings: "5" }
        copy: *base
        list: [*base, *base]
        """
        let root = try YAMLNode.parse(text, file: "f.yaml", code: .fixtureInvalid)
        #expect(try root.required("list").items().count == 2)
        #expect(try root.required("copy").required("nav").string() == "1")
    }
}
