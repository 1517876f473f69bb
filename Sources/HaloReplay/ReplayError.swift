/// Why `halo replay` could not compare a candidate policy with the journal's history.
///
/// Codes: `journal-missing`, `journal-corrupt`, `journal-io` (the state directory),
/// `artifact-invalid` (the Halo recorded in the journal), `replay-invalid` (arguments: an
/// unknown Unit, a policy that matches no Unit of several, an unreadable policy file, a
/// window that ends before it starts), `replay-diverged` (the recorded hook outcomes no
/// longer fit the Unit Artifact: the baseline cannot be rebuilt), and the candidate's own
/// load failure (`policy-error`, `sandbox-*`), which is exit 3.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    /// Stable kebab-case code.
    public var code: String
    /// What happened, naming the file and record where one is involved.
    public var message: String
    /// The process exit code: 2 invalid input, 3 the candidate failed.
    public var exitCode: Int32

    /// An error.
    public init(code: String, message: String, exitCode: Int32 = 2) {
        self.code = code
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { "\(code): \(message)" }

    static func corrupt(_ seq: Int64, _ detail: String) -> ReplayError {
        ReplayError(code: "journal-corrupt", message: "journal record \(seq): \(detail)")
    }
}
