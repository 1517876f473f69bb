import HaloArtifacts

/// What a check run just before a watched policy swap concluded (`halo run --watch
/// --replay-on-reload DAYS` replays the journal's recent history with the candidate).
///
/// The check lives above the Sentinel (in HaloReplay) and is handed to
/// ``SentinelService/reloadPolicy(unit:file:runTests:preflight:)`` as a closure, so the
/// runtime does not depend on it. A `refusal` keeps the old policy deciding; either way the
/// `summary` is journaled with the swap record (field `replay`) and `line` is logged with it.
///
/// ```swift
/// ReloadPreflight(refusal: nil, summary: .object([("differences", .int(0))]), line: "replay: identical")
/// ```
public struct ReloadPreflight: Sendable {
    /// Why the swap must not happen, or nil when it may.
    public var refusal: String?
    /// The machine-readable summary journaled with the swap.
    public var summary: JSONValue
    /// One human line for the log.
    public var line: String

    /// A verdict.
    public init(refusal: String?, summary: JSONValue, line: String) {
        self.refusal = refusal
        self.summary = summary
        self.line = line
    }
}
