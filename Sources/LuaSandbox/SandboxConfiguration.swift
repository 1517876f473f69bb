/// How a ``LuaSandbox`` is set up.
///
/// ```swift
/// let configuration = SandboxConfiguration(moduleRoots: ["/srv/halo/stdlib"], randomSeed: 7)
/// let sandbox = try LuaSandbox(configuration: configuration)
/// ```
public struct SandboxConfiguration: Sendable {
    /// Budgets of every call (and of loading a policy); changeable later through ``LuaSandbox/limits``.
    public var limits: SandboxLimits
    /// Absolute directories `require` searches: module `a.b` is `<root>/a/b.lua`.
    public var moduleRoots: [String]
    /// Seed of `math.random`; every call starts the same sequence from it.
    public var randomSeed: UInt64
    /// Initial seconds since the epoch seen by `os.time`/`os.date`.
    public var clock: Int64

    /// Creates a configuration.
    public init(
        limits: SandboxLimits = .default, moduleRoots: [String] = [], randomSeed: UInt64 = 0,
        clock: Int64 = 0
    ) {
        self.limits = limits
        self.moduleRoots = moduleRoots
        self.randomSeed = randomSeed
        self.clock = clock
    }
}
