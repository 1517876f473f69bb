/// The stable codes of input errors, as the contract names them.
public enum ArtifactErrorCode: String, Sendable, Equatable {
    /// A Halo or Unit Artifact is malformed or inconsistent.
    case artifactInvalid = "artifact-invalid"
    /// A fixture (or a feed event) is malformed.
    case fixtureInvalid = "fixture-invalid"
    /// A pinned file's SHA-256 does not match the pin.
    case integrityMismatch = "integrity-mismatch"
    /// A feed line or a submitted event is not an event at all: not UTF-8, not strict JSON,
    /// over the bounds of a line, or with an id that cannot be kept exactly (docs/running.md).
    case eventInvalid = "event-invalid"
}

/// An error in an input file, naming the file, the line and the field.
///
/// ```swift
/// do { _ = try UnitArtifact.load(path: "unit.yaml") }
/// catch let error as ArtifactError { print(error) }  // unit.yaml:7: artifact-invalid: rate_limits.deposit.max: ...
/// ```
public struct ArtifactError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable error code.
    public var code: ArtifactErrorCode
    /// The file the error is in.
    public var file: String
    /// The 1-based line, when known.
    public var line: Int?
    /// The dotted path of the offending field, when there is one (`steps[3].subscribe.amount`).
    public var field: String?
    /// What is wrong, for a person.
    public var message: String

    /// Creates an error.
    public init(_ code: ArtifactErrorCode, file: String, line: Int?, field: String?, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `file:line: code: field: message`.
    public var description: String { text(withCode: true) }

    /// `file:line: field: message`, for a place that shows ``code`` on its own (a checklist
    /// item, an error that carries the same code), so the code is not printed twice.
    public var locatedMessage: String { text(withCode: false) }

    private func text(withCode: Bool) -> String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if withCode { text += "\(code.rawValue): " }
        if let field, !field.isEmpty { text += "\(field): " }
        return text + message
    }
}
