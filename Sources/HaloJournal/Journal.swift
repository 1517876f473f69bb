import Foundation
import GRDB

/// The Sentinel's durable store: an append-only, hash-chained list of records in
/// `DIR/journal.sqlite` (SQLite in WAL mode through GRDB), plus snapshots and an inbox.
///
/// Isolation: a `Journal` is deliberately not `Sendable`. One isolation domain (the
/// Sentinel's actor, or one task) owns a handle and makes every call on it; the type
/// system keeps it there. Across processes, one process opens the directory as
/// ``JournalRole/writer`` (enforced by an advisory lock on `DIR/journal.lock`), while any
/// number of `halo submit` (``JournalRole/submitter``) and `halo state` /
/// `halo journal verify` (``JournalRole/reader``) processes may open it at the same time.
///
/// Durability: ``append(_:)`` returns only after its transaction committed under the
/// configured ``JournalSynchronous`` setting; acknowledge events after it returns, never before.
///
/// ```swift
/// let journal = try Journal(directory: URL(fileURLWithPath: "state"))
/// let done = try journal.journaledEventIDs(among: ["feed.jsonl:1", "feed.jsonl:2"])
/// let records = try journal.append([
///     JournalRecordDraft(kind: .event, eventID: "feed.jsonl:1", unit: "tbill-a",
///                        time: "2026-03-02T09:00:00Z", payload: #"{"fund":{}}"#),
/// ])
/// ```
public final class Journal {
    /// The database file inside the state directory.
    public static let fileName = "journal.sqlite"
    /// The writer's lock file inside the state directory.
    public static let lockFileName = "journal.lock"

    /// The state directory.
    public let directory: URL
    /// Full path of `journal.sqlite`, used in every error message.
    public let path: String
    /// How this handle was opened.
    public let configuration: JournalConfiguration

    let database: DatabaseQueue
    private var writerLock: JournalWriterLock?

    /// Opens (for writers and submitters: creates if needed) the journal of a state directory.
    ///
    /// Throws `journal-locked` if the role is ``JournalRole/writer`` and another writer runs,
    /// `journal-missing` for a reader of an absent journal, `journal-corrupt` if the file is
    /// not a journal.
    ///
    /// ```swift
    /// let journal = try Journal(directory: stateDir, configuration: .init(synchronous: .normal))
    /// ```
    public init(directory: URL, configuration: JournalConfiguration = JournalConfiguration()) throws {
        self.directory = directory
        self.configuration = configuration
        let path = directory.appendingPathComponent(Journal.fileName).path
        self.path = path

        if configuration.role == .reader {
            guard FileManager.default.fileExists(atPath: path) else { throw JournalError.missing(file: path) }
        } else {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw JournalError.io(file: path, detail: "cannot create the state directory: \(error.localizedDescription)")
            }
        }
        if configuration.role == .writer {
            writerLock = try JournalWriterLock(
                path: directory.appendingPathComponent(Journal.lockFileName).path, journalFile: path)
        }

        var options = Configuration()
        options.busyMode = .timeout(configuration.busyTimeout)
        options.readonly = configuration.role == .reader
        options.label = "HaloJournal"
        if !options.readonly {
            let synchronous = configuration.synchronous
            // Set by hand rather than with GRDB's `journalMode = .wal`, which would force
            // synchronous=NORMAL after this and silently weaken the durability we promise.
            options.prepareDatabase { db in
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard mode?.lowercased() == "wal" else {
                    throw DatabaseError(message: "could not switch to WAL mode (got \(mode ?? "nothing"))")
                }
                try db.execute(sql: "PRAGMA synchronous = \(synchronous == .full ? "FULL" : "NORMAL")")
            }
        }
        do {
            database = try DatabaseQueue(path: path, configuration: options)
        } catch {
            writerLock?.release()
            throw Journal.journalError(error, file: path)
        }
        do {
            try prepareSchema()
        } catch {
            writerLock?.release()
            try? database.close()
            throw Journal.journalError(error, file: path)
        }
    }

    deinit { writerLock?.release() }

    /// Closes the database and releases the writer lock. The handle is unusable afterwards.
    ///
    /// ```swift
    /// try journal.close()
    /// ```
    public func close() throws {
        writerLock?.release()
        writerLock = nil
        try mapErrors { try database.close() }
    }

    // MARK: Appending

    /// Appends a batch in one transaction (group commit), continuing the hash chain, and
    /// returns the records as stored. All or nothing: if any draft is invalid or repeats a
    /// journaled event id (also one earlier in the same batch), nothing is written and it
    /// throws (`duplicate-event` names the id and where it already is).
    ///
    /// When this returns, the batch is durable under ``JournalConfiguration/synchronous``:
    /// that is the moment the Sentinel may acknowledge the events.
    ///
    /// ```swift
    /// let stored = try journal.append(drafts)
    /// acknowledge(stored)   // after the commit, never before
    /// ```
    @discardableResult
    public func append(_ drafts: [JournalRecordDraft]) throws -> [JournalRecord] {
        try requireWriter("append")
        return try writeTransaction { db in try self.insert(drafts, in: db, skippingDuplicates: false).appended }
    }

    /// Appends a batch in one transaction like ``append(_:)``, but skips (and reports) drafts
    /// whose event id is already journaled instead of refusing the batch. This is what a
    /// Sentinel replaying its feed after a crash calls: each event lands exactly once.
    ///
    /// ```swift
    /// let outcome = try journal.appendSkippingDuplicates(drafts)
    /// for duplicate in outcome.skipped { log("already journaled: \(duplicate.eventID)") }
    /// ```
    public func appendSkippingDuplicates(_ drafts: [JournalRecordDraft]) throws -> JournalAppendOutcome {
        try requireWriter("append")
        return try writeTransaction { db in try self.insert(drafts, in: db, skippingDuplicates: true) }
    }

    /// Inserts drafts after the current tail, inside the caller's write transaction.
    func insert(_ drafts: [JournalRecordDraft], in db: Database, skippingDuplicates: Bool) throws -> JournalAppendOutcome {
        var (seq, prevHash) = try tail(db)
        let lookup = try db.cachedStatement(sql: "SELECT seq FROM records WHERE event_id = ?")
        let insertion = try db.cachedStatement(sql: """
            INSERT INTO records (seq, kind, event_id, unit, time, payload, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var outcome = JournalAppendOutcome(appended: [], skipped: [])
        outcome.appended.reserveCapacity(drafts.count)
        for (index, draft) in drafts.enumerated() {
            if let problem = draft.problem() {
                throw JournalError.invalidRecord(file: path, detail: "draft \(index) of the batch: \(problem)")
            }
            if let eventID = draft.eventID, let existing = try Int64.fetchOne(lookup, arguments: [eventID]) {
                guard skippingDuplicates else {
                    throw JournalError.duplicateEvent(file: path, eventID: eventID, existingSeq: existing)
                }
                outcome.skipped.append(JournalDuplicate(index: index, eventID: eventID, existingSeq: existing))
                continue
            }
            seq += 1
            let record = JournalRecord(seq: seq, draft: draft, prevHash: prevHash)
            try insertion.execute(arguments: [
                record.seq, record.kind.rawValue, record.eventID, record.unit,
                record.time, record.payload, record.prevHash, record.hash,
            ])
            prevHash = record.hash
            outcome.appended.append(record)
        }
        return outcome
    }

    /// The last seq and hash, or 0 and the genesis hash for an empty journal.
    func tail(_ db: Database) throws -> (seq: Int64, hash: String) {
        let statement = try db.cachedStatement(sql: "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1")
        guard let row = try Row.fetchOne(statement) else { return (0, JournalRecord.genesisHash) }
        return (row[0], row[1])
    }

    // MARK: Idempotency

    /// Whether an event with this id is journaled.
    ///
    /// ```swift
    /// if try journal.contains(eventID: "feed.jsonl:12") { return }  // applied before the crash
    /// ```
    public func contains(eventID: String) throws -> Bool {
        try seq(ofEventID: eventID) != nil
    }

    /// Where an event with this id is journaled, if it is.
    ///
    /// ```swift
    /// try journal.seq(ofEventID: "inbox:3")  // 17
    /// ```
    public func seq(ofEventID eventID: String) throws -> Int64? {
        try read { db in try Int64.fetchOne(db, sql: "SELECT seq FROM records WHERE event_id = ?", arguments: [eventID]) }
    }

    /// The subset of `eventIDs` already journaled, in one read (batched queries), so that a
    /// feed re-read after a crash can drop what was applied before it.
    ///
    /// ```swift
    /// let done = try journal.journaledEventIDs(among: lines.map(\.id))
    /// let todo = lines.filter { !done.contains($0.id) }
    /// ```
    public func journaledEventIDs<IDs: Sequence<String>>(among eventIDs: IDs) throws -> Set<String> {
        let all = Array(eventIDs)
        // Well under SQLite's bound-parameter limit on every version.
        let chunkSize = 500
        return try read { db in
            var found = Set<String>()
            var start = 0
            while start < all.count {
                let chunk = Array(all[start..<min(start + chunkSize, all.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let ids = try String.fetchAll(
                    db, sql: "SELECT event_id FROM records WHERE event_id IN (\(marks))",
                    arguments: StatementArguments(chunk))
                found.formUnion(ids)
                start += chunkSize
            }
            return found
        }
    }

    // MARK: Reading

    /// The last record of the chain, or `nil` when the journal is empty.
    ///
    /// ```swift
    /// let next = (try journal.lastRecord?.seq ?? 0) + 1
    /// ```
    public var lastRecord: JournalRecord? {
        get throws {
            try read { db in
                try Row.fetchOne(db, sql: "SELECT \(Journal.recordColumns) FROM records ORDER BY seq DESC LIMIT 1")
                    .map(Journal.record(from:))
            }
        }
    }

    /// How many records are stored (a real count, not the last seq, so a gap would show).
    ///
    /// ```swift
    /// try journal.count  // 1_000_000
    /// ```
    public var count: Int64 {
        get throws { try read { db in try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM records") ?? 0 } }
    }

    /// A cursor over the records from `seq` on, in order. It reads pages of `pageSize`
    /// records, so a million records never sit in memory at once, and each page is its own
    /// short read, so the writer is never held up by a slow consumer.
    ///
    /// ```swift
    /// var cursor = journal.records(from: snapshot.seq + 1)
    /// while let record = try cursor.next() { try runtime.replay(record) }
    /// ```
    public func records(from seq: Int64 = 1, pageSize: Int = 4096) -> JournalRecordCursor {
        JournalRecordCursor(journal: self, from: seq, pageSize: pageSize)
    }

    /// Records with `seq >= from`, at most `limit`, in order.
    func page(from seq: Int64, limit: Int) throws -> [JournalRecord] {
        try read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT \(Journal.recordColumns) FROM records WHERE seq >= ? ORDER BY seq LIMIT ?")
            var records: [JournalRecord] = []
            records.reserveCapacity(limit)
            let rows = try Row.fetchCursor(statement, arguments: [seq, limit])
            while let row = try rows.next() { records.append(Journal.record(from: row)) }
            return records
        }
    }

    static let recordColumns = "seq, kind, event_id, unit, time, payload, prev_hash, hash"

    static func record(from row: Row) -> JournalRecord {
        JournalRecord(
            seq: row[0], kind: row[1], eventID: row[2], unit: row[3],
            time: row[4], payload: row[5], prevHash: row[6], hash: row[7])
    }

    // MARK: Plumbing

    func requireWriter(_ operation: String) throws {
        guard configuration.role == .writer else { throw JournalError.notWriter(file: path, operation: operation) }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try mapErrors { try database.read(body) }
    }

    /// One `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so a concurrent
    /// `halo submit` waits on the busy timeout instead of failing with a lock upgrade error,
    /// and the tail read inside is the tail we append to.
    func writeTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try mapErrors {
            try database.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        }
    }

    /// Turns SQLite's errors into ``JournalError``s naming the file; errors thrown by the
    /// caller's own closures (a `takeInbox` draft builder) pass through untouched.
    func mapErrors<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError { throw Journal.journalError(error, file: path) }
    }

    private func prepareSchema() throws {
        let migrator = JournalSchema.migrator
        if configuration.role == .reader {
            try database.read { db in
                guard try db.tableExists("records"), try migrator.hasCompletedMigrations(db) else {
                    throw JournalError.corrupt(file: path, seq: nil, detail: "not a halo journal (no records table)")
                }
            }
        } else {
            // Two processes creating the same journal at once (the Sentinel and a submit)
            // may collide on the migration's lock upgrade; the loser simply retries.
            var attempts = 0
            while true {
                do {
                    try migrator.migrate(database)
                    break
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempts < 3 {
                    attempts += 1
                }
            }
        }
        let superseded = try database.read { db in try migrator.hasBeenSuperseded(db) }
        if superseded {
            throw JournalError.corrupt(file: path, seq: nil, detail: "written by a newer halo (unknown schema migration)")
        }
    }

    static func journalError(_ error: any Error, file: String) -> JournalError {
        if let error = error as? JournalError { return error }
        guard let error = error as? DatabaseError else { return .io(file: file, detail: "\(error)") }
        let detail = error.message ?? "SQLite error \(error.resultCode)"
        // `resultCode` is the primary code, so extended ones (SQLITE_BUSY_SNAPSHOT, ...) map too.
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .locked(file: file, detail: "\(detail) (another process held it past the busy timeout)")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .corrupt(file: file, seq: nil, detail: detail)
        default:
            return .io(file: file, detail: detail)
        }
    }
}
