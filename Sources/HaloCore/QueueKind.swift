/// Which of a Unit's two LCTS queues: `subscribe` (USDS in, shares out) or `redeem`
/// (shares in, USDS out).
///
/// ```swift
/// QueueKind(rawValue: "redeem")   // .redeem
/// ```
public enum QueueKind: String, Sendable, Hashable, CaseIterable {
    case subscribe, redeem
}
