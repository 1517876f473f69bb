/// A scenario that cannot be simulated: a stable code and a message naming the file and line.
public struct SimulationError: Error, Sendable, CustomStringConvertible {
    /// `artifact-invalid` for bad input; `policy-error` and friends when a Prime policy cannot load.
    public var code: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
