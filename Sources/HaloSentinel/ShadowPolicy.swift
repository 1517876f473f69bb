import HaloArtifacts
import HaloCore

/// A second policy asked every question the Unit's own policy is asked, on the same ctx and
/// the same `ctx.state`, whose answers are only recorded: never applied, never journaled, and
/// its state changes are dropped. `halo replay` sets one on the recorded world to learn what
/// a candidate would have decided at each hook call the Sentinel actually made.
///
/// ```swift
/// sentinel.shadow = try ShadowPolicy(file: "policies/tbill-v2.lua", artifact: sentinel.artifact, stdlib: "stdlib")
/// // ... replay the journal ...
/// let answers = sentinel.shadow!.takeCalls()
/// ```
public final class ShadowPolicy {
    /// One answer: validated exactly as the runtime validates the Unit's own policy.
    public struct Call: Sendable {
        /// When the hook ran.
        public var time: Timestamp
        /// The hook.
        public var hook: String
        /// The validated decision (the shape of ``DecisionRecord/result``), or the fallback.
        public var result: JSONValue
        /// Why the answer was not usable, when it was not.
        public var failure: PolicyFailure?
    }

    let host: PolicyHost
    var calls: [Call] = []

    /// Loads `file` in a sandbox of its own, with `artifact`'s budgets. Throws the load failure.
    public init(file: String, artifact: UnitArtifact, stdlib: String?) throws(PolicyFailure) {
        host = try PolicyHost(file: file, limits: artifact.limits, stdlib: stdlib, pin: nil)
    }

    /// The answers recorded since the last call.
    public func takeCalls() -> [Call] {
        defer { calls = [] }
        return calls
    }
}
