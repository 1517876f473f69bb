/// What a batch append did: the records written and the drafts skipped as already journaled.
///
/// ```swift
/// let outcome = try journal.appendSkippingDuplicates(drafts)
/// print("\(outcome.appended.count) new, \(outcome.skipped.count) already journaled")
/// ```
public struct JournalAppendOutcome: Hashable, Sendable, Codable {
    /// The records written, in order, with their seq and hashes.
    public var appended: [JournalRecord]
    /// The drafts not written because their event id was already journaled.
    public var skipped: [JournalDuplicate]

    /// Creates an outcome.
    ///
    /// ```swift
    /// JournalAppendOutcome(appended: [], skipped: [])
    /// ```
    public init(appended: [JournalRecord], skipped: [JournalDuplicate]) {
        self.appended = appended
        self.skipped = skipped
    }
}
