import Foundation
import GRDB
@testable import HaloJournal
import Testing

@Suite struct JournalTests {
    @Test func appendedRecordsReadBackInOrderWithAnUnbrokenChain() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        let first = try journal.append((1...3).map { eventDraft($0) })
        let second = try journal.append([JournalRecordDraft(kind: .decision, unit: "tbill-a", time: "2026-03-02T13:00:00Z", payload: "{}")])
        #expect(first.map(\.seq) == [1, 2, 3])
        #expect(second[0].seq == 4)
        #expect(first[0].prevHash == JournalRecord.genesisHash)
        #expect(first[1].prevHash == first[0].hash)
        #expect(second[0].prevHash == first[2].hash)

        var cursor = journal.records(from: 1)
        var read: [JournalRecord] = []
        while let record = try cursor.next() { read.append(record) }
        #expect(read == first + second)
        #expect(try journal.count == 4)
        #expect(try journal.lastRecord == second[0])
        #expect(try journal.verify().isValid)
    }

    @Test func theChainContinuesAcrossReopening() throws {
        let directory = try TemporaryDirectory()
        var stored: [JournalRecord] = []
        do {
            let journal = try Journal(directory: directory.url)
            stored += try journal.append([eventDraft(1), eventDraft(2)])
            try journal.close()
        }
        let journal = try Journal(directory: directory.url)
        stored += try journal.append([eventDraft(3)])
        #expect(stored[2].seq == 3)
        #expect(stored[2].prevHash == stored[1].hash)
        #expect(try journal.verify().lastGoodSeq == 3)
    }

    @Test func theCursorPagesThroughFromAnySeq() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        try journal.append((1...10).map { eventDraft($0) })
        var cursor = journal.records(from: 4, pageSize: 3)
        var seqs: [Int64] = []
        while let record = try cursor.next() { seqs.append(record.seq) }
        #expect(seqs == Array(4...10))
        var past = journal.records(from: 11)
        #expect(try past.next() == nil)
    }

    @Test func anEmptyJournalHasNoRecords() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        #expect(try journal.count == 0)
        #expect(try journal.lastRecord == nil)
        #expect(try journal.append([]).isEmpty)
        let verification = try journal.verify()
        #expect(verification.isValid && verification.lastGoodHash == JournalRecord.genesisHash)
    }

    @Test func theDatabaseIsInWALModeWithTheRequestedSynchronous() throws {
        for setting in JournalSynchronous.allCases {
            let directory = try TemporaryDirectory()
            let journal = try Journal(directory: directory.url, configuration: .init(synchronous: setting))
            let (mode, synchronous) = try journal.database.read { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
            }
            #expect(mode == "wal")
            #expect(synchronous == setting.pragmaValue)
        }
    }

    // MARK: Idempotency

    @Test func aRepeatedEventIsRefusedAndTheBatchLeavesNoTrace() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        try journal.append([eventDraft(1), eventDraft(2)])
        #expect(throws: JournalError.duplicateEvent(file: directory.journalPath, eventID: "feed.jsonl:2", existingSeq: 2)) {
            try journal.append([eventDraft(3), eventDraft(2)])
        }
        #expect(try journal.count == 2)
        #expect(try !journal.contains(eventID: "feed.jsonl:3"))
    }

    @Test func aRepeatInsideOneBatchIsADuplicateToo() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        let error = #expect(throws: JournalError.self) { try journal.append([eventDraft(1), eventDraft(1)]) }
        #expect(error?.code == "duplicate-event")
        let outcome = try journal.appendSkippingDuplicates([eventDraft(1), eventDraft(1)])
        #expect(outcome.appended.map(\.seq) == [1])
        #expect(outcome.skipped == [JournalDuplicate(index: 1, eventID: "feed.jsonl:1", existingSeq: 1)])
    }

    @Test func skippingDuplicatesAppendsEachEventExactlyOnce() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        try journal.append((1...3).map { eventDraft($0) })
        // The feed is re-read from the top after a crash.
        let outcome = try journal.appendSkippingDuplicates((1...5).map { eventDraft($0) })
        #expect(outcome.appended.map(\.eventID) == ["feed.jsonl:4", "feed.jsonl:5"])
        #expect(outcome.skipped.map(\.eventID) == ["feed.jsonl:1", "feed.jsonl:2", "feed.jsonl:3"])
        #expect(outcome.skipped.map(\.existingSeq) == [1, 2, 3])
        #expect(try journal.count == 5)
    }

    @Test func recordsWithoutEventIDsNeverCollide() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        let decision = JournalRecordDraft(kind: .decision, unit: "tbill-a", time: "2026-03-02T13:00:00Z", payload: "{}")
        try journal.append([decision, decision, decision])
        #expect(try journal.count == 3)
    }

    @Test func journaledEventIDsAnswersForManyIDsAtOnce() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        try journal.append((1...1200).filter { $0 % 2 == 0 }.map { eventDraft($0) })
        let asked = (1...1200).map { "feed.jsonl:\($0)" }
        let found = try journal.journaledEventIDs(among: asked)
        #expect(found == Set((1...1200).filter { $0 % 2 == 0 }.map { "feed.jsonl:\($0)" }))
        #expect(try journal.seq(ofEventID: "feed.jsonl:4") == 2)
        #expect(try journal.seq(ofEventID: "feed.jsonl:5") == nil)
    }

    @Test func invalidDraftsAreRefused() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        for draft in [
            JournalRecordDraft(kind: "", time: "t", payload: "{}"),
            JournalRecordDraft(kind: .event, time: "", payload: "{}"),
            JournalRecordDraft(kind: .event, eventID: "", time: "t", payload: "{}"),
        ] {
            let error = #expect(throws: JournalError.self) { try journal.append([eventDraft(1), draft]) }
            #expect(error?.code == "journal-invalid-record")
        }
        #expect(try journal.count == 0)
    }

    // MARK: Roles and locking

    @Test func aSecondWriterIsLockedOutUntilTheFirstCloses() throws {
        let directory = try TemporaryDirectory()
        let first = try Journal(directory: directory.url)
        let error = #expect(throws: JournalError.self) { _ = try Journal(directory: directory.url) }
        #expect(error?.code == "journal-locked")
        #expect(error?.message.contains(directory.journalPath) == true)
        try first.close()
        let second = try Journal(directory: directory.url)
        #expect(try second.count == 0)
    }

    @Test func readersAndSubmittersOpenBesideTheWriter() throws {
        let directory = try TemporaryDirectory()
        let writer = try Journal(directory: directory.url)
        try writer.append([eventDraft(1)])
        let reader = try Journal(directory: directory.url, configuration: .init(role: .reader))
        let submitter = try Journal(directory: directory.url, configuration: .init(role: .submitter))
        #expect(try reader.lastRecord?.eventID == "feed.jsonl:1")
        #expect(try submitter.submit(payload: "{}") == 1)
        #expect(throws: JournalError.notWriter(file: directory.journalPath, operation: "append")) {
            try reader.append([eventDraft(2)])
        }
        #expect(throws: JournalError.notWriter(file: directory.journalPath, operation: "append")) {
            try submitter.append([eventDraft(2)])
        }
        #expect(throws: JournalError.notWriter(file: directory.journalPath, operation: "submit")) {
            try reader.submit(payload: "{}")
        }
    }

    @Test func aReaderOfAMissingJournalSaysSo() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: JournalError.missing(file: directory.journalPath)) {
            _ = try Journal(directory: directory.url, configuration: .init(role: .reader))
        }
    }

    @Test func aFileThatIsNotAJournalIsReportedAsCorrupt() throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: directory.journalPath))
        for role in JournalRole.allCases {
            let error = #expect(throws: JournalError.self) {
                _ = try Journal(directory: directory.url, configuration: .init(role: role))
            }
            #expect(error?.code == "journal-corrupt")
            #expect(error?.description.contains(directory.journalPath) == true)
        }
    }

    @Test func errorsCarryStableCodes() {
        let file = "/state/journal.sqlite"
        let codes = [
            JournalError.corrupt(file: file, seq: 3, detail: "x"), .io(file: file, detail: "x"),
            .locked(file: file, detail: "x"), .duplicateEvent(file: file, eventID: "e", existingSeq: 1),
            .invalidRecord(file: file, detail: "x"), .notWriter(file: file, operation: "append"), .missing(file: file),
        ].map(\.code)
        #expect(codes == [
            "journal-corrupt", "journal-io", "journal-locked", "duplicate-event",
            "journal-invalid-record", "journal-not-writer", "journal-missing",
        ])
    }
}
