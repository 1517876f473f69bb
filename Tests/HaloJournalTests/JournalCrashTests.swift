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
        // The crash left megabytes of uncommitted frames in the WAL: the case under test.
        let wal = try FileManager.default.attributesOfItem(atPath: directory.journalPath + "-wal")
        #expect((wal[.size] as? Int ?? 0) > 1_000_000)

        let journal = try Journal(directory: directory.url)
        #expect(try journal.count == 5)
        #expect(try journal.pendingInbox().map(\.payload) == ["committed before the crash"])
        #expect(try journal.verify().isValid)
        #expect(try journal.append([eventDraft(6)])[0].seq == 6)
    }

    #if os(Linux)
    // The Journal itself killed with `kill -9` while it appends batches: this test binary is
    // started again as a child running `crashChild` below, which appends batches of 100
    // until the parent kills it at an arbitrary point. Afterwards the writer lock must be
    // free, the chain intact, every batch whole, and a replay of the feed exactly-once.
    @Test func aSentinelKilledWhileAppendingLosesNoBatchAndDoublesNoEvent() throws {
        let directory = try TemporaryDirectory()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "crashChild"]
        child.environment = ProcessInfo.processInfo.environment.merging(
            ["HALO_JOURNAL_CRASH_CHILD": directory.url.path]) { $1 }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        // Wait, without sleeping, for the child to say it has committed some batches.
        var seen = ""
        while !seen.contains(JournalCrashTests.readyMarker) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // the child ended on its own: the checks below fail
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)

        let journal = try Journal(directory: directory.url)  // the lock died with the child
        let count = try journal.count
        #expect(count >= 1000)
        #expect(count % 100 == 0)
        #expect(try journal.verify().isValid)
        #expect(try journal.lastRecord?.eventID == "feed.jsonl:\(count)")
        // The feed is re-read from the top: what was journaled is skipped, the rest appended once.
        let resumed = try journal.appendSkippingDuplicates((1...Int(count) + 250).map { eventDraft($0) })
        #expect(resumed.skipped.count == Int(count))
        #expect(resumed.appended.map(\.seq) == Array(count + 1...count + 250))
        #expect(try journal.verify().isValid)
    }

    static let readyMarker = "HALO-JOURNAL-CRASH-CHILD-READY"

    @Test(.enabled(if: ProcessInfo.processInfo.environment["HALO_JOURNAL_CRASH_CHILD"] != nil))
    func crashChild() throws {
        let path = try #require(ProcessInfo.processInfo.environment["HALO_JOURNAL_CRASH_CHILD"])
        let journal = try Journal(directory: URL(fileURLWithPath: path))
        var next = 1
        // Bounded so that an orphaned child ends by itself.
        while next < 2_000_000 {
            try journal.append((next..<next + 100).map { eventDraft($0) })
            next += 100
            if next == 1001 {
                // Unbuffered, so the parent sees it at once.
                FileHandle.standardOutput.write(Data((JournalCrashTests.readyMarker + "\n").utf8))
            }
        }
    }
    #endif
}
