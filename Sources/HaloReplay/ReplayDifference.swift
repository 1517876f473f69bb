import HaloArtifacts
import HaloCore

/// One hook call where the candidate decided differently from the recorded history: the
/// cycle (time, Unit, hook) and both decisions. A side is nil when the hook ran in one world
/// only (`respond` runs only when something was raised).
public struct ReplayDifference: Sendable {
    /// When the hook ran (13:00 for a cycle's `settle`, the report's time for `signals`, ...).
    public var time: Timestamp
    /// The Unit.
    public var unit: String
    /// `settle`, `signals`, `respond` or `migrate`.
    public var hook: String
    /// What the recorded policy decided.
    public var recorded: ReplayDecision?
    /// What the candidate decided, in its own world.
    public var candidate: ReplayDecision?
    /// What the candidate answered when asked on the recorded ctx and state, at the hook call
    /// the Sentinel actually made (nil when that call did not happen, or came before the
    /// candidate took over). Signals and actions are not known there: it was never applied.
    public var sameContext: ReplayDecision?

    /// The JSON form (docs/replay.md).
    public func json() -> JSONValue {
        .object([
            ("time", .string(time.iso8601)), ("unit", .string(unit)), ("hook", .string(hook)),
            ("recorded", recorded?.json() ?? .null), ("candidate", candidate?.json() ?? .null),
            ("same_ctx", sameContext.map { decision in
                .object([("result", decision.result),
                         ("error", decision.failure.map { .object([("code", .string($0.code)), ("message", .string($0.message))]) } ?? .null)])
            } ?? .null),
        ])
    }
}
