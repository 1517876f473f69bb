import GRDB

extension Journal {
    /// Walks the whole chain in one consistent read (streaming: one record in memory at a
    /// time), recomputing every hash and checking that seqs run 1, 2, 3, ... and that each
    /// `prev_hash` is the previous `hash`; then checks every snapshot. `check` is called on
    /// each record that passed, in order, so the runtime can replay its ledger and test its
    /// own invariants; whatever it throws is reported as an invariant failure at that seq.
    /// Stops at the first problem. Throws only when the file cannot be read at all.
    ///
    /// A chain cannot tell on its own that records were cut off its end; compare
    /// ``JournalVerification/lastGoodHash`` with an anchor kept elsewhere for that.
    ///
    /// ```swift
    /// var ledger = Ledger()
    /// let verification = try journal.verify { record in try ledger.replay(record) }
    /// print(verification.failure?.message ?? "ok: \(verification.recordsChecked) records")
    /// ```
    public func verify(_ check: (JournalRecord) throws -> Void = { _ in }) throws -> JournalVerification {
        try read { db in
            var result = JournalVerification(
                recordsChecked: 0, lastGoodSeq: 0, lastGoodHash: JournalRecord.genesisHash,
                snapshotsChecked: 0, failure: nil)
            func fail(_ seq: Int64, _ reason: JournalVerificationFailure.Reason, _ detail: String) -> JournalVerification {
                result.failure = JournalVerificationFailure(
                    seq: seq, reason: reason, message: "\(self.path): seq \(seq): \(detail)")
                return result
            }
            let rows = try Row.fetchCursor(db, sql: "SELECT \(Journal.recordColumns) FROM records ORDER BY seq")
            while let row = try rows.next() {
                let record = Journal.record(from: row)
                let expected = result.lastGoodSeq + 1
                result.recordsChecked += 1
                if record.seq != expected {
                    let missing = record.seq - expected == 1 ? "record \(expected) is missing"
                        : "records \(expected)...\(record.seq - 1) are missing"
                    return fail(expected, .missingRecord, "\(missing) (deleted?); the next stored record is \(record.seq)")
                }
                if !record.isHashValid {
                    return fail(record.seq, .hashMismatch, "stored hash does not match the record's contents (record or hash altered)")
                }
                if record.prevHash != result.lastGoodHash {
                    return fail(record.seq, .brokenLink, "prev_hash does not match the hash of record \(record.seq - 1) (records altered, reordered or re-hashed)")
                }
                do {
                    try check(record)
                } catch {
                    return fail(record.seq, .invariant, "invariant violated: \(error)")
                }
                result.lastGoodSeq = record.seq
                result.lastGoodHash = record.hash
            }
            let snapshots = try Row.fetchCursor(db, sql: "SELECT \(Journal.snapshotColumns) FROM snapshots ORDER BY seq")
            while let row = try snapshots.next() {
                let snapshot = Journal.snapshot(from: row)
                result.snapshotsChecked += 1
                if let problem = try self.snapshotProblem(snapshot, db) {
                    return fail(snapshot.seq, .badSnapshot, problem)
                }
            }
            return result
        }
    }
}
