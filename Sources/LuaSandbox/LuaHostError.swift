/// An error thrown by a host function; C raises it as a Lua error in the calling script.
///
/// ```swift
/// throw LuaHostError("amount expected")                         // policy-error, catchable by pcall
/// throw LuaHostError("not allowed", code: .forbidden)           // sandbox-forbidden
/// ```
public struct LuaHostError: Error, Sendable {
    /// The message (the script sees it prefixed with its `chunk:line:`).
    public var message: String
    /// The code the call fails with if the script does not catch it (default `policy-error`).
    public var code: SandboxErrorCode?

    /// Creates a host error.
    public init(_ message: String, code: SandboxErrorCode? = nil) {
        self.message = message
        self.code = code
    }
}
