/// A draft that was not appended because its event id was journaled before.
///
/// ```swift
/// JournalDuplicate(index: 0, eventID: "feed.jsonl:1", existingSeq: 1)
/// ```
public struct JournalDuplicate: Hashable, Sendable, Codable {
    /// Position of the draft in the batch handed to the journal.
    public var index: Int
    /// The repeated event id.
    public var eventID: String
    /// Where the event already is in the chain.
    public var existingSeq: Int64

    /// Creates a duplicate report.
    ///
    /// ```swift
    /// let duplicate = JournalDuplicate(index: 2, eventID: "inbox:7", existingSeq: 40)
    /// ```
    public init(index: Int, eventID: String, existingSeq: Int64) {
        self.index = index
        self.eventID = eventID
        self.existingSeq = existingSeq
    }
}
