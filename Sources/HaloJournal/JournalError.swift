import Foundation

/// Everything that can go wrong with a journal, each with a stable kebab-case ``code``
/// (shown in messages and JSON) and a human ``message`` that names the file involved.
///
/// ```swift
/// do { _ = try journal.append(drafts) }
/// catch let error as JournalError where error.code == "duplicate-event" { /* skip it */ }
/// ```
public enum JournalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not a journal, a hash does not match, or the schema is unknown.
    case corrupt(file: String, seq: Int64?, detail: String)
    /// The operating system or SQLite refused a read or a write.
    case io(file: String, detail: String)
    /// Another process holds the journal: a second Sentinel, or a lock held past the busy timeout.
    case locked(file: String, detail: String)
    /// An event with this id is already journaled (at `existingSeq`); the whole batch was refused.
    case duplicateEvent(file: String, eventID: String, existingSeq: Int64)
    /// A draft or a snapshot that the journal refuses to store.
    case invalidRecord(file: String, detail: String)
    /// The operation writes the chain but this handle was not opened with the writer role.
    case notWriter(file: String, operation: String)
    /// A reader asked for a journal that does not exist.
    case missing(file: String)

    /// The stable code of this error: `journal-corrupt`, `journal-io`, `journal-locked`,
    /// `duplicate-event`, `journal-invalid-record`, `journal-not-writer`, `journal-missing`.
    ///
    /// ```swift
    /// JournalError.missing(file: "/tmp/x/journal.sqlite").code  // "journal-missing"
    /// ```
    public var code: String {
        switch self {
        case .corrupt: "journal-corrupt"
        case .io: "journal-io"
        case .locked: "journal-locked"
        case .duplicateEvent: "duplicate-event"
        case .invalidRecord: "journal-invalid-record"
        case .notWriter: "journal-not-writer"
        case .missing: "journal-missing"
        }
    }

    /// A sentence for a person, naming the file.
    ///
    /// ```swift
    /// JournalError.duplicateEvent(file: "/state/journal.sqlite", eventID: "feed.jsonl:3", existingSeq: 3).message
    /// // "/state/journal.sqlite: event 'feed.jsonl:3' is already journaled at seq 3"
    /// ```
    public var message: String {
        switch self {
        case let .corrupt(file, seq, detail):
            if let seq { return "\(file): journal corrupt at seq \(seq): \(detail)" }
            return "\(file): journal corrupt: \(detail)"
        case let .io(file, detail):
            return "\(file): cannot read or write the journal: \(detail)"
        case let .locked(file, detail):
            return "\(file): journal is locked: \(detail)"
        case let .duplicateEvent(file, eventID, existingSeq):
            return "\(file): event '\(eventID)' is already journaled at seq \(existingSeq)"
        case let .invalidRecord(file, detail):
            return "\(file): refused to journal: \(detail)"
        case let .notWriter(file, operation):
            return "\(file): \(operation) needs the writer role (the running Sentinel)"
        case let .missing(file):
            return "\(file): no journal here (has a Sentinel ever run with this --state?)"
        }
    }

    /// `message [code]`, the form the CLI prints.
    public var description: String { "\(message) [\(code)]" }
}
