/// The first broken place of a journal, with a stable ``code`` and a human ``message``.
///
/// ```swift
/// JournalVerificationFailure(seq: 42, reason: .hashMismatch, message: "...").code  // "hash-mismatch"
/// ```
public struct JournalVerificationFailure: Hashable, Sendable, Codable {
    /// What kind of break.
    public enum Reason: String, Hashable, Sendable, Codable, CaseIterable {
        /// A record's stored hash differs from the hash of its fields (edited record or hash).
        case hashMismatch = "hash-mismatch"
        /// A record's `prev_hash` is not the previous record's hash (reordered or re-hashed).
        case brokenLink = "broken-link"
        /// A seq is missing (deleted row) or the chain does not start at 1.
        case missingRecord = "missing-record"
        /// The caller's per-record check threw.
        case invariant = "invariant-violated"
        /// A snapshot does not match its digest or its record.
        case badSnapshot = "bad-snapshot"
    }

    /// The seq where the break is (the record expected there, for a missing one).
    public var seq: Int64
    /// What kind of break.
    public var reason: Reason
    /// A sentence for a person, naming the file and the seq.
    public var message: String

    /// Creates a failure.
    ///
    /// ```swift
    /// JournalVerificationFailure(seq: 3, reason: .missingRecord, message: "record 3 is missing")
    /// ```
    public init(seq: Int64, reason: Reason, message: String) {
        self.seq = seq
        self.reason = reason
        self.message = message
    }

    /// The stable code of the reason, e.g. `hash-mismatch`.
    public var code: String { reason.rawValue }
}
