import Foundation
import HaloArtifacts

/// What `halo check` found for one file.
public struct CheckReport: Sendable {
    /// The file checked.
    public var path: String
    /// `halo`, `unit` or `policy`.
    public var kind: String
    /// The error that made the file invalid, if any.
    public var error: String?
    /// The error's code.
    public var code: String?
    /// Checklists per Unit.
    public var units: [UnitOnboarding] = []
    /// Policy files checked (Halo procedures, or the file itself).
    public var policies: [(file: String, hooks: [String], error: PolicyFailure?)] = []

    /// True when the file is valid and every Unit onboarded.
    public var ok: Bool { error == nil && units.allSatisfy(\.onboarded) && policies.allSatisfy { $0.error == nil } }

    /// Human text.
    public func text() -> String {
        var lines: [String] = []
        if let error { return "\(error)\n\(path): invalid" }
        for policy in policies {
            if let failure = policy.error { lines.append("\(failure.location ?? policy.file): \(failure.code): \(failure.message)") }
            else { lines.append("ok  policy \(policy.file) (hooks: \(policy.hooks.joined(separator: ", ")))") }
        }
        for unit in units {
            lines.append("unit \(unit.unit) (\(unit.path))")
            for item in unit.items {
                let mark = item.ok ? "  [x] " : "  [ ] "
                lines.append(mark + item.title + ": " + item.detail + (item.code.map { " (\($0))" } ?? ""))
            }
            lines.append(unit.onboarded ? "  onboarded" : "  NOT onboarded")
        }
        lines.append("\(path): \(ok ? "ok" : "invalid")")
        return lines.joined(separator: "\n")
    }

    /// The `--json` form.
    public func json() -> JSONValue {
        var pairs: [(String, JSONValue)] = [("path", .string(path)), ("kind", .string(kind)), ("ok", .bool(ok))]
        if let error { pairs.append(("error", .object([("code", .string(code ?? "")), ("message", .string(error))]))) }
        pairs.append(("policies", .array(policies.map { policy in
            .object([("file", .string(policy.file)), ("hooks", .array(policy.hooks.map { .string($0) })),
                     ("error", policy.error.map { .object([("code", .string($0.code)), ("message", .string($0.message)),
                                                           ("location", $0.location.map { .string($0) } ?? .null)]) } ?? .null)])
        })))
        pairs.append(("units", .array(units.map { unit in
            .object([("unit", .string(unit.unit)), ("path", .string(unit.path)), ("onboarded", .bool(unit.onboarded)),
                     ("checklist", .array(unit.items.map { item in
                         .object([("title", .string(item.title)), ("ok", .bool(item.ok)), ("detail", .string(item.detail)),
                                  ("code", item.code.map { .string($0) } ?? .null)])
                     }))])
        })))
        return .object(pairs)
    }
}

/// `halo check` as a library call.
public enum ArtifactChecker {
    /// Checks one file: a Halo Artifact, a Unit Artifact or a `.lua` policy.
    public static func check(path: String, runTests: Bool) -> CheckReport {
        if path.hasSuffix(".lua") { return checkPolicy(path) }
        var report = CheckReport(path: path, kind: "artifact")
        do {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw ArtifactError(.artifactInvalid, file: path, line: nil, field: nil, "cannot read the file")
            }
            let root = try YAMLNode.parse(text, file: path, code: .artifactInvalid)
            if try root.optional("halo") != nil {
                report.kind = "halo"
                let halo = try HaloArtifact.load(path: path)
                let stdlib = StdlibLocator.find(near: [path])
                for (_, file) in halo.procedures.sorted(by: { $0.key < $1.key }) {
                    report.policies.append(checkProcedure(file, stdlib: stdlib))
                }
                for unit in halo.units {
                    report.units.append(OnboardingCheck.check(unit, templates: halo.templates, runTests: runTests, stdlib: stdlib))
                }
            } else if try root.optional("unit") != nil {
                report.kind = "unit"
                let unit = try UnitArtifact.load(path: path)
                let halo = try? HaloLocator.halo(for: unit, explicit: nil)
                let stdlib = StdlibLocator.find(near: [path, unit.policyFile])
                report.units.append(OnboardingCheck.check(unit, templates: halo?.templates ?? [:], runTests: runTests, stdlib: stdlib))
            } else {
                throw root.error("neither a Halo Artifact ('halo:') nor a Unit Artifact ('unit:')")
            }
        } catch let error as ArtifactError {
            report.error = error.description
            report.code = error.code.rawValue
        } catch {
            report.error = "\(path): \(error)"
            report.code = "artifact-invalid"
        }
        return report
    }

    static func checkProcedure(_ file: String, stdlib: String?) -> (file: String, hooks: [String], error: PolicyFailure?) {
        do {
            let host = try PolicyHost(file: file, limits: .standard, stdlib: stdlib, pin: nil, requireSettle: false)
            return (PolicyHost.chunkName(file), host.hooks.sorted(), nil)
        } catch {
            return (PolicyHost.chunkName(file), [], error)
        }
    }

    static func checkPolicy(_ path: String) -> CheckReport {
        var report = CheckReport(path: path, kind: "policy")
        let stdlib = StdlibLocator.find(near: [path])
        do {
            let host = try PolicyHost(file: path, limits: .standard, stdlib: stdlib, pin: nil)
            report.policies.append((PolicyHost.chunkName(path), host.hooks.sorted(), nil))
        } catch {
            report.policies.append((PolicyHost.chunkName(path), [], error))
        }
        return report
    }
}
