import Foundation
import GRDB
import HaloJournal
import Testing

@Suite struct JournalVerifyTests {
    /// A journal of ten events, closed, and its records.
    private func tenRecords() throws -> (TemporaryDirectory, [JournalRecord]) {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        let records = try journal.append((1...10).map { eventDraft($0) })
        try journal.close()
        return (directory, records)
    }

    private func verification(_ directory: TemporaryDirectory) throws -> JournalVerification {
        try Journal(directory: directory.url, configuration: .init(role: .reader)).verify()
    }

    @Test func anIntactJournalVerifies() throws {
        let (directory, records) = try tenRecords()
        let result = try verification(directory)
        #expect(result.isValid)
        #expect(result.recordsChecked == 10)
        #expect(result.lastGoodSeq == 10)
        #expect(result.lastGoodHash == records[9].hash)
    }

    @Test func theTriggersRefuseEditsThroughSQL() throws {
        let (directory, _) = try tenRecords()
        let raw = try DatabaseQueue(path: directory.journalPath)
        #expect(throws: DatabaseError.self) { try raw.write { try $0.execute(sql: "UPDATE records SET payload = '{}' WHERE seq = 1") } }
        #expect(throws: DatabaseError.self) { try raw.write { try $0.execute(sql: "DELETE FROM records WHERE seq = 10") } }
    }

    @Test func aTamperedPayloadIsFoundAtItsSeq() throws {
        let (directory, _) = try tenRecords()
        try tamper(directory, #"UPDATE records SET payload = '{"fund":{"account":"mallory","amount":"1000000"}}' WHERE seq = 5"#)
        let failure = try #require(try verification(directory).failure)
        #expect(failure.seq == 5)
        #expect(failure.reason == .hashMismatch)
        #expect(failure.message.contains(directory.journalPath))
    }

    @Test func aTamperedPayloadWithARecomputedHashBreaksTheNextLink() throws {
        let (directory, records) = try tenRecords()
        var forged = JournalRecord(seq: 5, draft: eventDraft(5), prevHash: records[3].hash)
        forged.payload = #"{"fund":{"account":"mallory","amount":"5"}}"#
        forged.hash = forged.computedHash()
        try tamper(directory, "UPDATE records SET payload = ?, hash = ? WHERE seq = 5", arguments: [forged.payload, forged.hash])
        let failure = try #require(try verification(directory).failure)
        #expect(failure.seq == 6)
        #expect(failure.reason == .brokenLink)
    }

    @Test func aDeletedRowIsReportedAsMissing() throws {
        let (directory, _) = try tenRecords()
        try tamper(directory, "DELETE FROM records WHERE seq = 4")
        let result = try verification(directory)
        #expect(result.failure?.seq == 4)
        #expect(result.failure?.reason == .missingRecord)
        #expect(result.lastGoodSeq == 3)
    }

    @Test func aDeletedFirstRowIsReportedAsMissing() throws {
        let (directory, _) = try tenRecords()
        try tamper(directory, "DELETE FROM records WHERE seq = 1")
        #expect(try verification(directory).failure?.seq == 1)
    }

    @Test func swappedHashesAreFound() throws {
        let (directory, records) = try tenRecords()
        try tamper(directory, "UPDATE records SET hash = CASE seq WHEN 3 THEN ? ELSE ? END WHERE seq IN (3, 4)",
                   arguments: [records[3].hash, records[2].hash])
        let failure = try #require(try verification(directory).failure)
        #expect(failure.seq == 3)
        #expect(failure.reason == .hashMismatch)
    }

    @Test func swappedRecordsAreFound() throws {
        // Two whole records exchange places (each row keeps its own valid hash).
        let (directory, records) = try tenRecords()
        let a = records[6], b = records[7]
        try tamper(directory, "DELETE FROM records WHERE seq IN (7, 8)")
        for (seq, record) in [(Int64(7), b), (8, a)] {
            try tamper(directory, "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)", arguments: [
                seq, record.kind.rawValue, record.eventID, record.unit, record.time, record.payload, record.prevHash, record.hash,
            ])
        }
        let failure = try #require(try verification(directory).failure)
        #expect(failure.seq == 7)
    }

    @Test func theCallersCheckSeesEveryRecordAndItsFailureIsReported() throws {
        let (directory, _) = try tenRecords()
        struct Overdraft: Error, CustomStringConvertible { var description: String { "alice's USDS went negative" } }
        let journal = try Journal(directory: directory.url, configuration: .init(role: .reader))
        var seen: [Int64] = []
        #expect(try journal.verify { seen.append($0.seq) }.isValid)
        #expect(seen == Array(1...10))
        let result = try journal.verify { record in if record.seq == 7 { throw Overdraft() } }
        #expect(result.failure?.seq == 7)
        #expect(result.failure?.reason == .invariant)
        #expect(result.failure?.message.contains("alice's USDS went negative") == true)
        #expect(result.lastGoodSeq == 6)
    }
}
