import Foundation
import HaloArtifacts
import HaloCore

/// One line of the onboarding checklist.
public struct ChecklistItem: Sendable {
    /// What is checked.
    public var title: String
    /// True when it holds.
    public var ok: Bool
    /// Detail: why not, or what was found.
    public var detail: String
    /// The error code when it fails.
    public var code: String?
}

/// The onboarding checklist of one Unit (DOMAIN §6): factory template, policy and hooks,
/// reporting, rate limits from inits, and the policy's own tests.
public struct UnitOnboarding: Sendable {
    /// The Unit.
    public var unit: String
    /// The artifact file.
    public var path: String
    /// The checklist.
    public var items: [ChecklistItem]
    /// True when every item holds.
    public var onboarded: Bool { items.allSatisfy(\.ok) }
}

/// Checks artifacts and policies without running anything against money.
public enum OnboardingCheck {
    /// Report fields every Unit must carry: positions and yields (`nav`, `holdings`).
    static let requiredReporting = ["nav", "holdings"]

    /// The checklist for `unit`; `templates` are the Halo's known factory templates.
    public static func check(_ unit: UnitArtifact, templates: [String: String], runTests: Bool,
                             stdlib: String?) -> UnitOnboarding {
        var items: [ChecklistItem] = []

        // Factory template: named and hashed, and the hash matches the file when one is known
        // (UnitValidation: the same check `halo run` and `halo dry-run` make).
        var template = ChecklistItem(title: "factory template named and hashed", ok: true,
                                     detail: "\(unit.templateName) sha256 \(unit.templateSHA256.prefix(12))…", code: nil)
        do {
            if let file = try UnitValidation.checkTemplate(unit, templates: templates) {
                template.detail += " matches \(PolicyHost.chunkName(file))"
            } else {
                template.detail += " (no template file known to verify against)"
            }
        } catch {
            template.ok = false
            template.code = error.code.rawValue
            template.detail = UnitValidation.serviceError(error).message   // the code is shown once, after it
        }
        items.append(template)

        // The policy file exists and matches its pin, then loads in the sandbox under the
        // artifact's budgets. One failure, one line: hooks are not listed for a policy that did not load.
        var hooks: Set<String>?
        do {
            try UnitValidation.checkPolicyFile(unit)
            let host = try UnitValidation.loadPolicy(unit, stdlib: stdlib)
            hooks = host.hooks
            let pin = unit.policySHA256 == nil ? "not pinned" : "pin verified"
            items.append(ChecklistItem(title: "policy loads in the sandbox", ok: true,
                                       detail: "\(PolicyHost.chunkName(unit.policyFile)) sha256 \(host.sha256.prefix(12))… (\(pin)), \(host.memoryInUse / 1024) KiB", code: nil))
        } catch let error as ArtifactError {
            items.append(ChecklistItem(title: "policy loads in the sandbox", ok: false,
                                       detail: UnitValidation.serviceError(error).message, code: error.code.rawValue))
        } catch let error as PolicyFailure {
            items.append(ChecklistItem(title: "policy loads in the sandbox", ok: false,
                                       detail: error.locatedMessage, code: error.code))
        } catch {
            items.append(ChecklistItem(title: "policy loads in the sandbox", ok: false, detail: "\(error)", code: "policy-error"))
        }

        // Required hooks: settle always; signals when the Unit declares signals; respond when it declares responses.
        if let hooks {
            var required = ["settle"]
            if !unit.signals.isEmpty { required.append("signals") }
            if !unit.responses.isEmpty { required.append("respond") }
            let missing = required.filter { !hooks.contains($0) }
            items.append(ChecklistItem(title: "required hooks present", ok: missing.isEmpty,
                                       detail: missing.isEmpty ? hooks.sorted().joined(separator: ", ") : "missing \(missing.joined(separator: ", "))",
                                       code: missing.isEmpty ? nil : "artifact-invalid"))
        }

        // Reporting: positions and yields at least.
        let lacking = requiredReporting.filter { !unit.reporting.contains($0) }
        items.append(ChecklistItem(title: "reporting fields declared", ok: lacking.isEmpty,
                                   detail: lacking.isEmpty ? unit.reporting.joined(separator: ", ") : "reporting lacks \(lacking.joined(separator: ", "))",
                                   code: lacking.isEmpty ? nil : "artifact-invalid"))

        // Rate limits from approved inits: every limited key has an init and stays within it.
        var problems: [String] = []
        for (key, spec) in unit.rateLimits {
            guard case .limited(let maxAmount, let slope) = spec else { continue }
            guard let initial = unit.configurator.inits[key] else { problems.append("\(key) has no init"); continue }
            if maxAmount > initial.maxAmount { problems.append("\(key) max \(maxAmount) above its init \(initial.maxAmount)") }
            if slope > initial.slope { problems.append("\(key) slope \(slope) above its init \(initial.slope)") }
        }
        items.append(ChecklistItem(title: "rate limits from inits", ok: problems.isEmpty,
                                   detail: problems.isEmpty ? unit.rateLimits.map { "\($0.key)" }.joined(separator: ", ") : problems.joined(separator: "; "),
                                   code: problems.isEmpty ? nil : "artifact-invalid"))

        // The policy's own tests, when it loaded (a policy that did not load fails every one of them).
        if runTests, hooks != nil {
            let fixtures = TestDiscovery.fixtures(ofUnitAt: unit.path)
            var failed: [String] = []
            for path in fixtures {
                do {
                    let result = try FixtureRunner.run(try Fixture.load(path: path), stdlib: stdlib)
                    if !result.passed { failed.append(result.name) }
                } catch {
                    failed.append("\((path as NSString).lastPathComponent) (\(error.code.rawValue))")
                }
            }
            let ok = !fixtures.isEmpty && failed.isEmpty
            let detail = fixtures.isEmpty ? "no fixtures in tests/" :
                failed.isEmpty ? "\(fixtures.count) fixtures pass" : "\(failed.count) of \(fixtures.count) fail: \(failed.joined(separator: ", "))"
            let code = ok ? nil : fixtures.isEmpty ? "no-fixtures" : "test-failed"
            items.append(ChecklistItem(title: "policy passes its tests", ok: ok, detail: detail, code: code))
        }
        return UnitOnboarding(unit: unit.name, path: unit.path, items: items)
    }
}
