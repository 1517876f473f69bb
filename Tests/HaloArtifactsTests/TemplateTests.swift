import Foundation
import Testing

/// The `halo new unit --from` templates are copies of the shipped policies and example Units
/// (`make templates`); they must not drift apart.
struct TemplateTests {
    static let repository = ArtifactFieldsTests.repository

    func text(_ path: String) throws -> String {
        try String(contentsOf: Self.repository.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func templatePoliciesAreTheShippedPolicies() throws {
        for name in ["tbill", "mmf", "clo-aaa"] {
            #expect(try text("templates/units/\(name)/policy.lua") == text("policies/\(name).lua"), "run make templates")
        }
        for name in ["halts.lua", "migration.lua"] {
            #expect(try text("templates/units/common/\(name)") == text("policies/common/\(name)"), "run make templates")
        }
        #expect(try text("templates/lcts-unit.txt") == text("examples/passthrough-alpha/templates/lcts-unit.txt"))
    }

    @Test func templateUnitsKeepTheExamplesParameters() throws {
        for (name, unit) in [("tbill", "tbill-a"), ("mmf", "mmf-a"), ("clo-aaa", "clo-aaa-a")] {
            let example = try text("examples/passthrough-alpha/units/\(name)/unit.yaml")
            let template = try text("templates/units/\(name)/unit.yaml")
            for key in ["signals:", "responses:", "reporting:", "rate_limits:", "limits:"] {
                let line = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix(key) }.map(String.init) }
                #expect(line(example) == line(template), "\(unit): \(key) differs; run make templates")
            }
        }
    }
}
