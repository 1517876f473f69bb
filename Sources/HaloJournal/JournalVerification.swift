/// The result of ``Journal/verify(_:)``: how far the chain holds, and the first place it breaks.
///
/// ```swift
/// let verification = try journal.verify()
/// if let failure = verification.failure { print(failure.message); exit(1) }
/// ```
public struct JournalVerification: Hashable, Sendable, Codable {
    /// Records checked (up to and including the broken one, if any).
    public var recordsChecked: Int64
    /// Seq of the last record that passed every check (0 if none).
    public var lastGoodSeq: Int64
    /// Hash of that record (the genesis hash if none): an anchor to compare with a copy
    /// kept elsewhere, which is the only way to detect a truncated tail.
    public var lastGoodHash: String
    /// Snapshots checked.
    public var snapshotsChecked: Int
    /// The first problem found, or `nil` if the journal is sound.
    public var failure: JournalVerificationFailure?

    /// Creates a verification result.
    ///
    /// ```swift
    /// JournalVerification(recordsChecked: 0, lastGoodSeq: 0, lastGoodHash: JournalRecord.genesisHash,
    ///                     snapshotsChecked: 0, failure: nil)
    /// ```
    public init(recordsChecked: Int64, lastGoodSeq: Int64, lastGoodHash: String,
                snapshotsChecked: Int, failure: JournalVerificationFailure?) {
        self.recordsChecked = recordsChecked
        self.lastGoodSeq = lastGoodSeq
        self.lastGoodHash = lastGoodHash
        self.snapshotsChecked = snapshotsChecked
        self.failure = failure
    }

    /// Whether no problem was found.
    public var isValid: Bool { failure == nil }
}
