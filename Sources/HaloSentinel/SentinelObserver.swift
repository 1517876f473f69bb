import HaloCore

/// One live policy hook call, as measured by the Sentinel (replayed calls are not measured).
public struct HookCallMeasure: Sendable {
    /// The Unit.
    public var unit: String
    /// The hook (`settle`, `signals`, `respond`, `migrate`).
    public var hook: String
    /// Lua instructions the call used (counted by the sandbox's budget hook).
    public var instructions: Int
    /// Wall time of the call, in seconds.
    public var seconds: Double
    /// True when the call failed (error, budget, invalid result handled by the caller is not counted here).
    public var failed: Bool

    /// Creates a measure.
    public init(unit: String, hook: String, instructions: Int, seconds: Double, failed: Bool) {
        self.unit = unit
        self.hook = hook
        self.instructions = instructions
        self.seconds = seconds
        self.failed = failed
    }
}

/// What a running Sentinel tells an observer (the HTTP server, metrics): called on the
/// Sentinel's own thread, so an observer copies what it needs and returns quickly.
public struct SentinelObserver {
    /// After each committed batch, once its decision lines were handed to `onDecision`;
    /// the argument is the commit's wall time in seconds.
    public var committed: (_ commitSeconds: Double) -> Void = { _ in }
    /// After each live hook call.
    public var hookCalled: (HookCallMeasure) -> Void = { _ in }
    /// After each event applied to a Unit (before its batch commits): the dashboard's series
    /// sample the Unit's state here.
    public var eventApplied: (_ unit: String) -> Void = { _ in }

    /// An observer that does nothing.
    public init() {}
}
