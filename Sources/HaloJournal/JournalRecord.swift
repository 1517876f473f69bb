import Foundation

/// One journaled record: a draft plus its place in the chain.
///
/// `hash` is the hex SHA-256 of the record's canonical encoding (see ``hashInput`` and
/// `docs/journal.md`); `prevHash` is the previous record's `hash`, or 64 zeros for seq 1.
///
/// ```swift
/// let record = try journal.append([draft])[0]
/// record.seq           // 1
/// record.isHashValid   // true
/// ```
public struct JournalRecord: Hashable, Sendable, Codable {
    /// Position in the chain: 1, 2, 3, ... with no gaps.
    public var seq: Int64
    /// What the record is.
    public var kind: JournalRecordKind
    /// Idempotency key of an event, unique across the journal.
    public var eventID: String?
    /// The Unit concerned, or `nil` for Halo-wide records.
    public var unit: String?
    /// ISO-8601 UTC time on the Sentinel's clock.
    public var time: String
    /// Canonical JSON as the caller produced it.
    public var payload: String
    /// The previous record's hash (``Journal/genesisHash`` for seq 1).
    public var prevHash: String
    /// Hex SHA-256 over the canonical encoding of all the fields above.
    public var hash: String

    /// The `prev_hash` of the first record: 64 zeros.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Builds the record that follows a chain position, computing its hash.
    ///
    /// ```swift
    /// let first = JournalRecord(seq: 1, draft: draft, prevHash: JournalRecord.genesisHash)
    /// ```
    public init(seq: Int64, draft: JournalRecordDraft, prevHash: String) {
        self.seq = seq
        self.kind = draft.kind
        self.eventID = draft.eventID
        self.unit = draft.unit
        self.time = draft.time
        self.payload = draft.payload
        self.prevHash = prevHash
        self.hash = ""
        self.hash = computedHash()
    }

    /// Rebuilds a record read from storage, keeping the stored hash as it is (so that
    /// verification can compare it with ``computedHash()``).
    init(seq: Int64, kind: String, eventID: String?, unit: String?, time: String,
         payload: String, prevHash: String, hash: String) {
        self.seq = seq
        self.kind = JournalRecordKind(kind)
        self.eventID = eventID
        self.unit = unit
        self.time = time
        self.payload = payload
        self.prevHash = prevHash
        self.hash = hash
    }

    /// The exact bytes hashed: `"halo-journal-v1"`, seq as 8 bytes big-endian, then for
    /// each of kind, event_id, unit, time, payload, prev_hash either `0x00` (NULL) or
    /// `0x01` + UTF-8 length as 8 bytes big-endian + the UTF-8 bytes.
    ///
    /// ```swift
    /// SHA256.hash(data: record.hashInput)  // what `hash` is the hex of
    /// ```
    public var hashInput: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96 + payload.utf8.count + time.utf8.count + kind.rawValue.utf8.count)
        bytes.append(contentsOf: JournalRecord.domainTag)
        JournalRecord.appendInteger(UInt64(bitPattern: seq), to: &bytes)
        for field in [kind.rawValue, eventID, unit, time, payload, prevHash] as [String?] {
            guard let field else { bytes.append(0); continue }
            bytes.append(1)
            JournalRecord.appendInteger(UInt64(field.utf8.count), to: &bytes)
            bytes.append(contentsOf: field.utf8)
        }
        return bytes
    }

    /// The hash these fields should have; differs from ``hash`` only if the record was altered.
    ///
    /// ```swift
    /// record.computedHash() == record.hash
    /// ```
    public func computedHash() -> String { JournalHashing.sha256Hex(hashInput) }

    /// Whether the stored hash matches the fields.
    ///
    /// ```swift
    /// var forged = record; forged.payload = "{}"; forged.isHashValid  // false
    /// ```
    public var isHashValid: Bool { computedHash() == hash }

    /// Separates our hashes from any other SHA-256 use, and versions the encoding.
    static let domainTag = Array("halo-journal-v1".utf8)

    private static func appendInteger(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}
