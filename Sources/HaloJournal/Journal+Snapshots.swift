import Foundation
import GRDB

extension Journal {
    /// Saves the runtime's state after applying records 1...`seq`, bound to the hash of
    /// record `seq`, and keeps only the newest ``JournalConfiguration/snapshotsToKeep``.
    /// Refuses a `seq` beyond the end of the chain.
    ///
    /// ```swift
    /// try journal.saveSnapshot(seq: lastApplied.seq, state: try encoder.encode(state))
    /// ```
    public func saveSnapshot(seq: Int64, state: Data, createdAt: Date = Date()) throws {
        try requireWriter("saveSnapshot")
        let digest = JournalHashing.sha256Hex(state)
        let created = JournalRecordDraft.format(createdAt)
        let keep = max(1, configuration.snapshotsToKeep)
        try writeTransaction { db in
            let recordHash: String
            if seq == 0 {
                recordHash = JournalRecord.genesisHash
            } else if let hash = try String.fetchOne(db, sql: "SELECT hash FROM records WHERE seq = ?", arguments: [seq]) {
                recordHash = hash
            } else {
                let last = try self.tail(db).seq
                throw JournalError.invalidRecord(
                    file: self.path, detail: "snapshot at seq \(seq), but the journal ends at seq \(last)")
            }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO snapshots (seq, record_hash, state, state_sha256, created_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [seq, recordHash, state, digest, created])
            try db.execute(
                sql: "DELETE FROM snapshots WHERE seq NOT IN (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?)",
                arguments: [keep])
        }
    }

    /// The newest snapshot, checked: its state digest must match and record `seq` must still
    /// have the hash it had when saved (else `journal-corrupt`). `nil` if none was saved.
    ///
    /// ```swift
    /// let start = try journal.latestSnapshot()?.seq ?? 0
    /// ```
    public func latestSnapshot() throws -> JournalSnapshot? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Journal.snapshotColumns) FROM snapshots ORDER BY seq DESC LIMIT 1")
            else { return nil }
            let snapshot = Journal.snapshot(from: row)
            if let problem = try self.snapshotProblem(snapshot, db) {
                throw JournalError.corrupt(file: self.path, seq: snapshot.seq, detail: problem)
            }
            return snapshot
        }
    }

    /// The seqs of the stored snapshots, oldest first.
    ///
    /// ```swift
    /// try journal.snapshotSeqs()  // [900_000, 1_000_000]
    /// ```
    public func snapshotSeqs() throws -> [Int64] {
        try read { db in try Int64.fetchAll(db, sql: "SELECT seq FROM snapshots ORDER BY seq") }
    }

    static let snapshotColumns = "seq, record_hash, state, state_sha256, created_at"

    static func snapshot(from row: Row) -> JournalSnapshot {
        JournalSnapshot(seq: row[0], state: row[2], recordHash: row[1], stateSHA256: row[3], createdAt: row[4])
    }

    /// Why a stored snapshot cannot be trusted, or `nil`.
    func snapshotProblem(_ snapshot: JournalSnapshot, _ db: Database) throws -> String? {
        if JournalHashing.sha256Hex(snapshot.state) != snapshot.stateSHA256 {
            return "snapshot state does not match its SHA-256"
        }
        if snapshot.seq == 0 { return nil }
        guard let hash = try String.fetchOne(db, sql: "SELECT hash FROM records WHERE seq = ?", arguments: [snapshot.seq]) else {
            return "snapshot is at seq \(snapshot.seq) but that record is gone (journal truncated?)"
        }
        if hash != snapshot.recordHash { return "snapshot was taken on a different chain (record hash differs)" }
        return nil
    }
}
