/// What one ``Journal/takeInbox(limit:draft:)`` did, all in one transaction: the items taken
/// out of the inbox, the records journaled for them, and the items skipped because their
/// event id was already journaled.
///
/// ```swift
/// let take = try journal.takeInbox(limit: 100)
/// for record in take.appended { try runtime.apply(record) }
/// ```
public struct JournalInboxTake: Hashable, Sendable, Codable {
    /// Items removed from the inbox, oldest first.
    public var items: [JournalInboxItem]
    /// The records journaled for them, in the same order (fewer if some were skipped).
    public var appended: [JournalRecord]
    /// Items whose event id was already journaled: removed, not journaled again.
    /// `index` is the item's position in ``items``.
    public var skipped: [JournalDuplicate]

    /// Creates a take.
    ///
    /// ```swift
    /// JournalInboxTake(items: [], appended: [], skipped: [])
    /// ```
    public init(items: [JournalInboxItem], appended: [JournalRecord], skipped: [JournalDuplicate]) {
        self.items = items
        self.appended = appended
        self.skipped = skipped
    }

    /// Whether the inbox had nothing to take.
    public var isEmpty: Bool { items.isEmpty }
}
