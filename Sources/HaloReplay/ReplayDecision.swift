import HaloArtifacts
import HaloCore
import HaloSentinel

/// One hook call in one world (the recorded history, or the candidate's), with the signals
/// raised and the actions taken at the same moment.
public struct ReplayDecision: Sendable {
    /// The validated result the runtime used (`settle`: `{subscribe, redeem, exchange_rate, note}`;
    /// `signals`: the raised list; `respond`/`migrate`: the proposed actions), or the safe
    /// fallback when the call failed.
    public var result: JSONValue
    /// The failure (`policy-error`, `sandbox-timeout`, `bad-decision`, ...), when the call failed.
    public var failure: PolicyFailure?
    /// Signal codes raised at this time, in order.
    public var signals: [String]
    /// Actions at this time: name and whether the runtime applied it.
    public var actions: [(action: String, applied: Bool)]

    /// True when the two calls decided the same (results and failure codes equal; signals and
    /// actions follow from the results, and differ only when an earlier decision did).
    func decidesLike(_ other: ReplayDecision) -> Bool {
        result == other.result && failure?.code == other.failure?.code
    }

    /// The JSON form (docs/replay.md).
    public func json() -> JSONValue {
        .object([
            ("result", result),
            ("error", failure.map { .object([("code", .string($0.code)), ("message", .string($0.message))]) } ?? .null),
            ("signals", .array(signals.map { .string($0) })),
            ("actions", .array(actions.map { .object([("action", .string($0.action)), ("applied", .bool($0.applied))]) })),
        ])
    }

    /// A short human rendering of the result for a table cell.
    public func summary(hook: String) -> String {
        if let failure { return "FAILED \(failure.code): \(failure.message)" }
        switch hook {
        case "settle":
            if case .string(let fallback)? = result["fallback"] { return "fallback: \(fallback)" }
            func text(_ key: String) -> String {
                if case .string(let value)? = result[key] { return value }
                return "-"
            }
            return "subscribe \(text("subscribe")), redeem \(text("redeem")), rate \(text("exchange_rate"))"
        case "signals":
            guard case .array(let raised) = result, !raised.isEmpty else { return "(none)" }
            return raised.compactMap { signal -> String? in
                guard case .string(let code)? = signal["code"] else { return nil }
                if case .string(let severity)? = signal["severity"] { return "\(code) (\(severity))" }
                return code
            }.joined(separator: ", ")
        default:
            guard case .array(let proposed) = result, !proposed.isEmpty else { return "(no action)" }
            return proposed.compactMap { action -> String? in
                guard case .string(let name)? = action["action"] else { return nil }
                let applied = actions.first { $0.action == name }.map { $0.applied ? "" : " (refused)" } ?? ""
                return name + applied
            }.joined(separator: ", ")
        }
    }
}
