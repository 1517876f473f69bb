/// The budgets one policy call runs under, enforced in C by the sandbox.
///
/// ```swift
/// var limits = SandboxLimits.default
/// limits.instructions = 1_000_000
/// ```
public struct SandboxLimits: Sendable, Equatable {
    /// Instruction units per call: VM instructions (counted by a deterministic count hook),
    /// plus one unit per 64 bytes allocated and explicit charges for work done inside C
    /// library functions (string scans, patterns, `table.move`...).
    public var instructions: Int
    /// Cap on the Lua heap (the whole state, libraries included) while a call runs.
    public var memoryBytes: Int
    /// Wall-clock backstop per call, checked by the count hook on a monotonic clock.
    public var wallTimeMilliseconds: Int

    /// Creates limits.
    public init(instructions: Int, memoryBytes: Int, wallTimeMilliseconds: Int) {
        self.instructions = instructions
        self.memoryBytes = memoryBytes
        self.wallTimeMilliseconds = wallTimeMilliseconds
    }

    /// 10 million instruction units, 16 MiB, 250 ms: the contract's artifact defaults.
    public static let `default` = SandboxLimits(
        instructions: 10_000_000, memoryBytes: 16 << 20, wallTimeMilliseconds: 250)
}
