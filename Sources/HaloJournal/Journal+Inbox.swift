import Foundation
import GRDB

// The inbox protocol. `halo submit` (any process) inserts a row and exits: the event is
// "accepted" once that insert commits. The running Sentinel later takes rows out in one
// transaction that both journals each as a record (event id `inbox:<id>` by default) and
// deletes the rows. A crash before that commit leaves the rows in the inbox, to be taken on
// restart; a crash after it leaves the records in the chain and the rows gone. Either way
// an event is journaled exactly once, and never lost.
extension Journal {
    /// Hands one event to the Sentinel: inserts it into the inbox and returns its inbox id.
    /// Works whether the Sentinel runs or not (a stopped one drains the inbox when it starts).
    ///
    /// ```swift
    /// let submitter = try Journal(directory: stateDir, configuration: .init(role: .submitter))
    /// let id = try submitter.submit(payload: String(decoding: eventFile, as: UTF8.self))
    /// ```
    @discardableResult
    public func submit(payload: String, receivedAt: Date = Date()) throws -> Int64 {
        guard configuration.role != .reader else { throw JournalError.notWriter(file: path, operation: "submit") }
        guard !payload.utf8.contains(0) else {
            throw JournalError.invalidRecord(file: path, detail: "the payload contains a NUL character, which SQLite text cannot hold")
        }
        let received = JournalRecordDraft.format(receivedAt)
        return try writeTransaction { db in
            try db.execute(
                sql: "INSERT INTO inbox (received_at, payload) VALUES (?, ?)", arguments: [received, payload])
            return db.lastInsertedRowID
        }
    }

    /// The oldest items waiting in the inbox, without taking them.
    ///
    /// ```swift
    /// let waiting = try journal.pendingInbox(limit: 10)
    /// ```
    public func pendingInbox(limit: Int = 100) throws -> [JournalInboxItem] {
        try read { db in try Journal.inboxItems(db, limit: limit) }
    }

    /// How many items wait in the inbox.
    ///
    /// ```swift
    /// try journal.inboxCount  // 0 once the Sentinel has caught up
    /// ```
    public var inboxCount: Int {
        get throws { try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox") ?? 0 } }
    }

    /// Takes up to `limit` of the oldest inbox items: journals a record for each (built by
    /// `draft`; an item whose draft has no event id gets `inbox:<id>`) and deletes them from
    /// the inbox, in one transaction. Items whose event id is already journaled are deleted
    /// and reported as skipped. If `draft` throws, nothing changes and the error propagates.
    ///
    /// An item the Sentinel cannot accept should still be journaled, as kind
    /// ``JournalRecordKind/rejected`` with the reason in the payload, so that it is audited
    /// and leaves the inbox rather than blocking it.
    ///
    /// ```swift
    /// let take = try journal.takeInbox(limit: 256) { item in
    ///     let event = try parse(item.payload)
    ///     return JournalRecordDraft(kind: .event, eventID: event.id ?? item.eventID,
    ///                               unit: event.unit, time: clock.now, payload: event.canonicalJSON)
    /// }
    /// ```
    public func takeInbox(
        limit: Int = 256,
        draft makeDraft: (JournalInboxItem) throws -> JournalRecordDraft = JournalInboxItem.defaultDraft
    ) throws -> JournalInboxTake {
        try requireWriter("takeInbox")
        return try writeTransaction { db in
            let items = try Journal.inboxItems(db, limit: limit)
            guard let last = items.last else { return JournalInboxTake(items: [], appended: [], skipped: []) }
            let drafts = try items.map { item in
                var draft = try makeDraft(item)
                if draft.eventID == nil { draft.eventID = item.eventID }
                return draft
            }
            let outcome = try self.insert(drafts, in: db, skippingDuplicates: true)
            // Under the immediate transaction no row can appear below `last.id` meanwhile,
            // so this deletes exactly the rows taken.
            try db.execute(sql: "DELETE FROM inbox WHERE id <= ?", arguments: [last.id])
            return JournalInboxTake(items: items, appended: outcome.appended, skipped: outcome.skipped)
        }
    }

    static func inboxItems(_ db: Database, limit: Int) throws -> [JournalInboxItem] {
        try Row.fetchAll(db, sql: "SELECT id, received_at, payload FROM inbox ORDER BY id LIMIT ?", arguments: [limit])
            .map { JournalInboxItem(id: $0[0], receivedAt: $0[1], payload: $0[2]) }
    }
}
