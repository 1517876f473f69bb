/// What a journal record is: an open set of names, so the runtime can add kinds without a
/// journal change. The journal itself gives no kind a special meaning.
///
/// ```swift
/// let kind: JournalRecordKind = .event
/// let custom = JournalRecordKind("migration-step")
/// ```
public struct JournalRecordKind: RawRepresentable, Hashable, Sendable, Codable,
    ExpressibleByStringLiteral, CustomStringConvertible
{
    /// The name stored in the `kind` column and covered by the hash.
    public var rawValue: String

    /// Wraps a name.
    ///
    /// ```swift
    /// JournalRecordKind(rawValue: "event") == .event  // true
    /// ```
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Wraps a name.
    ///
    /// ```swift
    /// let kind = JournalRecordKind("alert")
    /// ```
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Lets a literal stand for a kind: `let kind: JournalRecordKind = "alert"`.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The name itself.
    public var description: String { rawValue }

    /// An accepted input event (deposit, redemption, report, lock, settle, fund, ...).
    public static let event = JournalRecordKind("event")
    /// A policy decision the runtime applied.
    public static let decision = JournalRecordKind("decision")
    /// A hot reload of a policy or artifact.
    public static let reload = JournalRecordKind("reload")
    /// A note that a snapshot was taken at this point of the chain.
    public static let snapshotMarker = JournalRecordKind("snapshot-marker")
    /// An input the runtime refused; journaled so that the refusal is audited and not retried.
    public static let rejected = JournalRecordKind("rejected")
}
