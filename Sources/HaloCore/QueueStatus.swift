/// The status of an LCTS queue: `dormant` (no current generation), `active` (deposits,
/// claims and exits allowed) or `locked` (waiting for settlement).
///
/// ```swift
/// LCTSQueue().status   // .dormant
/// ```
public enum QueueStatus: String, Sendable, Hashable, CaseIterable {
    case dormant, active, locked
}
