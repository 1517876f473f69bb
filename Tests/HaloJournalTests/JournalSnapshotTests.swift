import Foundation
import HaloJournal
import Testing

@Suite struct JournalSnapshotTests {
    @Test func recoveryIsTheLatestSnapshotPlusTheTail() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        try journal.append((1...6).map { eventDraft($0) })
        try journal.saveSnapshot(seq: 6, state: Data("state after 6".utf8))
        try journal.append((7...10).map { eventDraft($0) })
        try journal.close()

        let recovering = try Journal(directory: directory.url)
        let snapshot = try #require(try recovering.latestSnapshot())
        #expect(snapshot.seq == 6)
        #expect(snapshot.state == Data("state after 6".utf8))
        var tail = recovering.records(from: snapshot.seq + 1)
        var seqs: [Int64] = []
        while let record = try tail.next() { seqs.append(record.seq) }
        #expect(seqs == [7, 8, 9, 10])
    }

    @Test func noSnapshotMeansReplayFromTheStart() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        #expect(try journal.latestSnapshot() == nil)
        try journal.saveSnapshot(seq: 0, state: Data("empty".utf8))
        #expect(try journal.latestSnapshot()?.recordHash == JournalRecord.genesisHash)
    }

    @Test func aSnapshotBeyondTheChainIsRefused() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        try journal.append([eventDraft(1)])
        let error = #expect(throws: JournalError.self) { try journal.saveSnapshot(seq: 2, state: Data()) }
        #expect(error?.code == "journal-invalid-record")
    }

    @Test func onlyTheNewestSnapshotsAreKept() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url, configuration: .init(snapshotsToKeep: 2))
        for seq in 1...5 {
            try journal.append([eventDraft(seq)])
            try journal.saveSnapshot(seq: Int64(seq), state: Data("\(seq)".utf8))
        }
        #expect(try journal.snapshotSeqs() == [4, 5])
    }

    @Test func aDamagedSnapshotIsNeverLoaded() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        try journal.append((1...3).map { eventDraft($0) })
        try journal.saveSnapshot(seq: 3, state: Data("good".utf8))
        try tamper(directory, "UPDATE snapshots SET state = ? WHERE seq = 3", arguments: [Data("evil".utf8)])
        let error = #expect(throws: JournalError.self) { _ = try journal.latestSnapshot() }
        #expect(error?.code == "journal-corrupt")
        let failure = try journal.verify().failure
        #expect(failure?.reason == .badSnapshot)
        #expect(failure?.seq == 3)
    }

    @Test func aTruncatedChainBelowASnapshotIsFound() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        try journal.append((1...5).map { eventDraft($0) })
        try journal.saveSnapshot(seq: 5, state: Data("s".utf8))
        try tamper(directory, "DELETE FROM records WHERE seq = 5")
        #expect(try journal.verify().failure?.reason == .badSnapshot)
    }
}
