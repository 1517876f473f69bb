import Foundation

/// A record before it is journaled: everything but the sequence number and the hash links,
/// which ``Journal/append(_:)`` assigns inside the commit.
///
/// `payload` is canonical JSON produced by the caller; the journal never re-encodes it, so
/// the hash covers exactly the bytes the caller chose.
///
/// ```swift
/// let draft = JournalRecordDraft(
///     kind: .event, eventID: "feed.jsonl:12", unit: "tbill-a",
///     time: "2026-03-02T09:00:00Z", payload: #"{"subscribe":{"account":"alice","amount":"1000"}}"#)
/// ```
public struct JournalRecordDraft: Hashable, Sendable, Codable {
    /// What the record is.
    public var kind: JournalRecordKind
    /// The idempotency key of an event (for a feed line, `file:line`; for the inbox,
    /// `inbox:<id>`). Unique across the journal; `nil` for records that need no key.
    public var eventID: String?
    /// The Unit the record concerns; `nil` for Halo-wide records.
    public var unit: String?
    /// When it happened on the Sentinel's clock, ISO-8601 UTC, as the caller formats it.
    public var time: String
    /// Canonical JSON, stored and hashed byte for byte.
    public var payload: String

    /// Creates a draft from already formatted fields.
    ///
    /// ```swift
    /// JournalRecordDraft(kind: .decision, unit: "tbill-a", time: "2026-03-02T13:00:00Z", payload: "{}")
    /// ```
    public init(kind: JournalRecordKind, eventID: String? = nil, unit: String? = nil, time: String, payload: String) {
        self.kind = kind
        self.eventID = eventID
        self.unit = unit
        self.time = time
        self.payload = payload
    }

    /// Creates a draft, formatting `date` as ISO-8601 UTC (fractional seconds only when present).
    ///
    /// ```swift
    /// JournalRecordDraft(kind: .event, date: Date(timeIntervalSince1970: 0), payload: "{}").time
    /// // "1970-01-01T00:00:00Z"
    /// ```
    public init(kind: JournalRecordKind, eventID: String? = nil, unit: String? = nil, date: Date, payload: String) {
        self.init(kind: kind, eventID: eventID, unit: unit, time: JournalRecordDraft.format(date), payload: payload)
    }

    /// ISO-8601 UTC with whole seconds, or milliseconds when the date has a fraction.
    ///
    /// ```swift
    /// JournalRecordDraft.format(Date(timeIntervalSince1970: 1.5))  // "1970-01-01T00:00:01.500Z"
    /// ```
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let fractional = seconds.rounded(.down) != seconds
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: fractional, timeZone: .gmt))
    }

    /// Why this draft cannot be journaled, or `nil` when it can.
    func problem() -> String? {
        if kind.rawValue.isEmpty { return "a record needs a kind" }
        if time.isEmpty { return "a record needs a time" }
        if let eventID, eventID.isEmpty { return "an event id may not be empty (use nil for none)" }
        // SQLite text bound from a Swift string ends at the first NUL: a stored id, unit or
        // payload would silently differ from the hashed one (and two ids would become one).
        // Refuse rather than store something other than what was given.
        for (name, text) in [("event id", eventID), ("unit", unit), ("time", time), ("payload", payload)] {
            if let text, text.utf8.contains(0) { return "the \(name) contains a NUL character, which SQLite text cannot hold" }
        }
        return nil
    }
}
