/// An event handed in by `halo submit`, waiting in the inbox for the running Sentinel.
///
/// ```swift
/// for item in try journal.pendingInbox() { print(item.id, item.payload) }
/// ```
public struct JournalInboxItem: Hashable, Sendable, Codable {
    /// Inbox id; ids are never reused, even after the row is drained.
    public var id: Int64
    /// Wall-clock time the submitter stored it, ISO-8601 UTC.
    public var receivedAt: String
    /// The submitted event, as the submitter handed it in.
    public var payload: String

    /// Creates an item.
    ///
    /// ```swift
    /// JournalInboxItem(id: 1, receivedAt: "2026-03-02T09:00:00Z", payload: "{}")
    /// ```
    public init(id: Int64, receivedAt: String, payload: String) {
        self.id = id
        self.receivedAt = receivedAt
        self.payload = payload
    }

    /// The default idempotency key of the event: `inbox:<id>`.
    ///
    /// ```swift
    /// JournalInboxItem(id: 7, receivedAt: "", payload: "").eventID  // "inbox:7"
    /// ```
    public var eventID: String { "inbox:\(id)" }

    /// The draft ``Journal/takeInbox(limit:draft:)`` journals when the caller gives no other:
    /// an `event` with event id `inbox:<id>`, no Unit, stamped with `receivedAt`.
    ///
    /// ```swift
    /// let draft = JournalInboxItem.defaultDraft(item)
    /// ```
    public static func defaultDraft(_ item: JournalInboxItem) -> JournalRecordDraft {
        JournalRecordDraft(kind: .event, eventID: item.eventID, time: item.receivedAt, payload: item.payload)
    }
}
