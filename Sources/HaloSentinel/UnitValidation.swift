import Foundation
import HaloArtifacts

/// The one validation of a Unit that every command shares: `halo check`, `halo dry-run`,
/// `halo test`, `halo run` (before its journal exists) and a hot reload.
///
/// A Unit is valid when its artifact parses (``UnitArtifact/load(path:)`` and the fixture
/// `configure` step share ``ConfiguratorSpec`` checks there), its factory template file (when
/// the artifact or its Halo names one) has the artifact's SHA-256, its policy file exists and
/// matches its pin, and the policy loads in the sandbox with a `settle` hook. The first three are
/// input errors (``ArtifactError``, exit 2, located at the artifact's line); a policy that does
/// not load is a ``PolicyFailure`` (a dry-run's exit 3; `halo run` refuses to start, exit 2).
///
/// ```swift
/// try UnitValidation.checkFiles(unit, templates: halo.templates)   // throws ArtifactError
/// let host = try UnitValidation.loadPolicy(unit, stdlib: stdlib)   // throws PolicyFailure
/// ```
public enum UnitValidation {
    /// The input checks of ``checkTemplate(_:templates:)`` and ``checkPolicyFile(_:)``.
    public static func checkFiles(_ unit: UnitArtifact, templates: [String: String]) throws(ArtifactError) {
        _ = try checkTemplate(unit, templates: templates)
        try checkPolicyFile(unit)
    }

    /// The factory template file the artifact (or its Halo's `templates`) names, when one is
    /// known; it must exist and have the artifact's `template.sha256`. Returns the file checked,
    /// or nil when no file is known to verify against.
    @discardableResult
    public static func checkTemplate(_ unit: UnitArtifact, templates: [String: String]) throws(ArtifactError) -> String? {
        guard let file = unit.templateFile ?? templates[unit.templateName] else { return nil }
        let line = unit.lines["template"]
        guard let digest = FileDigest.sha256(ofFile: file) else {
            throw ArtifactError(.artifactInvalid, file: unit.path, line: line, field: "template",
                                "template file '\(PolicyHost.chunkName(file))' cannot be read")
        }
        guard digest == unit.templateSHA256 else {
            throw ArtifactError(.integrityMismatch, file: unit.path, line: line, field: "template.sha256",
                                "template file \(PolicyHost.chunkName(file)) has sha256 \(digest), the artifact names \(unit.templateSHA256)")
        }
        return file
    }

    /// The policy file exists and, when pinned, has the pinned SHA-256. A missing file names
    /// the artifact's `policy` line and the directory its relative path was resolved against.
    public static func checkPolicyFile(_ unit: UnitArtifact) throws(ArtifactError) {
        let line = unit.lines["policy"]
        guard let data = FileManager.default.contents(atPath: unit.policyFile) else {
            let directory = PolicyHost.absolute((unit.path as NSString).deletingLastPathComponent)
            throw ArtifactError(.artifactInvalid, file: unit.path, line: line, field: "policy.file",
                                "no policy file at \(PolicyHost.absolute(unit.policyFile)) (a relative policy.file is resolved against the artifact's directory, \(directory)/)")
        }
        if let pin = unit.policySHA256 {
            let digest = FileDigest.sha256(data)
            guard digest == pin else {
                throw ArtifactError(.integrityMismatch, file: unit.path, line: line, field: "policy.sha256",
                                    "policy \(PolicyHost.chunkName(unit.policyFile)) has sha256 \(digest), the artifact pins \(pin)")
            }
        }
    }

    /// Loads the Unit's policy in a fresh sandbox under the artifact's budgets (pin verified).
    static func loadPolicy(_ unit: UnitArtifact, stdlib: String?) throws(PolicyFailure) -> PolicyHost {
        try PolicyHost(file: unit.policyFile, limits: unit.limits, stdlib: stdlib, pin: unit.policySHA256)
    }

    /// Every start-up check of a Halo, in the order `halo run` needs them: each Unit's files,
    /// then each Unit's policy, then the Halo's procedures. The first failure is returned.
    static func startupFailure(of halo: HaloArtifact, stdlib: String?) -> ServiceError? {
        for unit in halo.units {
            do { try checkFiles(unit, templates: halo.templates) } catch {
                return serviceError(error)
            }
        }
        for unit in halo.units {
            do { _ = try loadPolicy(unit, stdlib: stdlib) } catch {
                return serviceError(error, owner: "unit \(unit.name)")
            }
        }
        for (name, file) in halo.procedures.sorted(by: { $0.key < $1.key }) {
            do { _ = try PolicyHost(file: file, limits: .standard, stdlib: stdlib, pin: nil, requireSettle: false) } catch {
                return serviceError(error, owner: "procedure \(name)")
            }
        }
        return nil
    }

    /// An input error as a start-up failure: the code once, then `file:line: field: message`.
    static func serviceError(_ error: ArtifactError) -> ServiceError {
        let location = error.file + (error.line.map { ":\($0)" } ?? "")
        let field = error.field.map { $0.isEmpty ? "" : "\($0): " } ?? ""
        return ServiceError(code: error.code.rawValue, message: "\(location): \(field)\(error.message)", invalidInput: true)
    }

    /// A policy that does not load as a start-up failure: the code once, then where and why.
    static func serviceError(_ failure: PolicyFailure, owner: String) -> ServiceError {
        ServiceError(code: failure.code, message: "\(owner): \(failure.location.map { "\($0): " } ?? "")\(failure.message)", invalidInput: true)
    }
}
