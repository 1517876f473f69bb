import Foundation
import GRDB
import HaloJournal
import Testing

@Suite struct JournalCrashTests {
    @Test func aBatchThatFailsMidwayLeavesNoTraceAndTheChainContinues() throws {
        let directory = try TemporaryDirectory()
        do {
            let journal = try Journal(directory: directory.url)
            try journal.append((1...10).map { eventDraft($0) })
            var batch = (11...1010).map { eventDraft($0) }
            batch[500].kind = ""  // the batch dies half written
            #expect(throws: JournalError.self) { try journal.append(batch) }
            #expect(try journal.count == 10)
            // No close: the handle is simply dropped, as a dying process would.
        }
        let journal = try Journal(directory: directory.url)
        #expect(try journal.lastRecord?.seq == 10)
        #expect(try journal.verify().isValid)
        let resumed = try journal.appendSkippingDuplicates((1...12).map { eventDraft($0) })
        #expect(resumed.appended.map(\.seq) == [11, 12])
        #expect(resumed.skipped.count == 10)
    }

    // A real `kill -9` in the middle of a big transaction, by the sqlite3 shell killing
    // itself: the uncommitted frames it spilled into the WAL must vanish on reopening,
    // and everything committed before must survive.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
    func aProcessKilledMidTransactionLeavesTheJournalConsistent() throws {
        let directory = try TemporaryDirectory()
        do {
            let journal = try Journal(directory: directory.url)
            try journal.append((1...5).map { eventDraft($0) })
            try journal.close()
        }
        let script = """
            PRAGMA busy_timeout = 5000;
            INSERT INTO inbox (received_at, payload) VALUES ('t', 'committed before the crash');
            PRAGMA cache_size = 1;
            BEGIN IMMEDIATE;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
              INSERT INTO inbox (received_at, payload) SELECT 't', printf('%0300d', i) FROM n;
            INSERT INTO records VALUES (6, 'event', 'forged', NULL, 't', '{}', 'bogus', 'bogus');
            .system kill -9 $PPID
            COMMIT;
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [directory.journalPath]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGKILL)

        let journal = try Journal(directory: directory.url)
        #expect(try journal.count == 5)
        #expect(try journal.pendingInbox().map(\.payload) == ["committed before the crash"])
        #expect(try journal.verify().isValid)
        #expect(try journal.append([eventDraft(6)])[0].seq == 6)
    }
}
