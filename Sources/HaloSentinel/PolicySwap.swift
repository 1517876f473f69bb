import HaloCore

/// A policy swap at the moment it took effect: immediately on a reload outside the processing
/// window, or at settlement (after the old policy's post-settlement calls) for a reload that
/// was deferred. Every log entry before the swap's indices was produced by the previous
/// policy, every one after by the new one; a journal and a decision log attribute by them.
public struct PolicySwap: Sendable {
    /// When the new policy took over.
    public var time: Timestamp
    /// When the reload was asked for (equal to ``time`` unless it was deferred).
    public var requestedAt: Timestamp
    /// The new policy file and the SHA-256 of the source that was compiled.
    public var file: String
    public var sha256: String
    /// The policy it replaced (sha256 nil when none had loaded).
    public var previousFile: String
    public var previousSHA256: String?
    /// Positions in the Sentinel's decision, signal and action logs and its recorded hook tape
    /// at the swap.
    public var decisionIndex: Int
    public var signalIndex: Int
    public var actionIndex: Int
    public var tapeIndex: Int

    /// True when the swap waited for settlement.
    public var deferred: Bool { requestedAt != time }
}
