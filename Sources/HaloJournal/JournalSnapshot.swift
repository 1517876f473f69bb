import Foundation

/// A saved state of the runtime after applying records 1...``seq``: recovery loads it and
/// replays only the records after it.
///
/// ```swift
/// if let snapshot = try journal.latestSnapshot() {
///     state = try decode(snapshot.state)
///     var tail = journal.records(from: snapshot.seq + 1)
///     while let record = try tail.next() { try state.apply(record) }
/// }
/// ```
public struct JournalSnapshot: Hashable, Sendable, Codable {
    /// The last record applied to ``state`` (0: before any record).
    public var seq: Int64
    /// The opaque state bytes, as the runtime saved them.
    public var state: Data
    /// The hash of record ``seq`` when the snapshot was taken, tying the snapshot to the chain.
    public var recordHash: String
    /// Hex SHA-256 of ``state``, checked on every load.
    public var stateSHA256: String
    /// Wall-clock time of saving, ISO-8601 UTC.
    public var createdAt: String

    /// Creates a snapshot value.
    ///
    /// ```swift
    /// JournalSnapshot(seq: 0, state: Data(), recordHash: JournalRecord.genesisHash,
    ///                 stateSHA256: "...", createdAt: "2026-03-02T00:00:00Z")
    /// ```
    public init(seq: Int64, state: Data, recordHash: String, stateSHA256: String, createdAt: String) {
        self.seq = seq
        self.state = state
        self.recordHash = recordHash
        self.stateSHA256 = stateSHA256
        self.createdAt = createdAt
    }
}
