import Foundation
import HaloJournal
import Testing

@Suite struct JournalInboxTests {
    @Test func aSubmittedEventIsJournaledOnceAndLeavesTheInbox() throws {
        let directory = try TemporaryDirectory()
        let sentinel = try Journal(directory: directory.url)
        let submitter = try Journal(directory: directory.url, configuration: .init(role: .submitter))
        let id = try submitter.submit(payload: #"{"unit":"tbill-a","fund":{}}"#, receivedAt: Date(timeIntervalSince1970: 0))
        #expect(try sentinel.inboxCount == 1)
        #expect(try sentinel.pendingInbox().map(\.id) == [id])

        let take = try sentinel.takeInbox(limit: 10)
        #expect(take.items.map(\.id) == [id])
        #expect(take.appended.count == 1)
        #expect(take.appended[0].eventID == "inbox:\(id)")
        #expect(take.appended[0].time == "1970-01-01T00:00:00Z")
        #expect(take.appended[0].payload == #"{"unit":"tbill-a","fund":{}}"#)
        #expect(try sentinel.inboxCount == 0)
        #expect(try sentinel.takeInbox().isEmpty)
    }

    @Test func aSubmitterCanCreateTheJournalBeforeTheSentinelEverRan() throws {
        let directory = try TemporaryDirectory()
        do {
            let submitter = try Journal(directory: directory.url.appendingPathComponent("fresh"), configuration: .init(role: .submitter))
            try submitter.submit(payload: "{}")
        }
        let sentinel = try Journal(directory: directory.url.appendingPathComponent("fresh"))
        #expect(try sentinel.takeInbox().appended.count == 1)
    }

    @Test func aFailedTakeLeavesEverythingInTheInbox() throws {
        let directory = try TemporaryDirectory()
        let sentinel = try Journal(directory: directory.url)
        for index in 1...3 { try sentinel.submit(payload: #"{"n":\#(index)}"#) }
        struct Crash: Error {}
        #expect(throws: Crash.self) {
            try sentinel.takeInbox { item in
                if item.id == 2 { throw Crash() }
                return JournalInboxItem.defaultDraft(item)
            }
        }
        #expect(try sentinel.inboxCount == 3)
        #expect(try sentinel.count == 0)
        #expect(try sentinel.takeInbox().appended.map(\.eventID) == ["inbox:1", "inbox:2", "inbox:3"])
    }

    @Test func idsAreNeverReusedAfterTheInboxIsDrained() throws {
        let directory = try TemporaryDirectory()
        let sentinel = try Journal(directory: directory.url)
        try sentinel.submit(payload: "{}")
        _ = try sentinel.takeInbox()
        // Were id 1 reused, "inbox:1" would be skipped as a duplicate and the event lost.
        let id = try sentinel.submit(payload: "{}")
        #expect(id == 2)
        #expect(try sentinel.takeInbox().appended.map(\.eventID) == ["inbox:2"])
    }

    @Test func anEventAlreadyJournaledUnderItsOwnIDIsSkipped() throws {
        let directory = try TemporaryDirectory()
        let sentinel = try Journal(directory: directory.url)
        try sentinel.append([eventDraft(1)])
        try sentinel.submit(payload: "the same event, resubmitted")
        let take = try sentinel.takeInbox { item in
            JournalRecordDraft(kind: .event, eventID: "feed.jsonl:1", time: item.receivedAt, payload: item.payload)
        }
        #expect(take.appended.isEmpty)
        #expect(take.skipped == [JournalDuplicate(index: 0, eventID: "feed.jsonl:1", existingSeq: 1)])
        #expect(try sentinel.inboxCount == 0)
    }

    @Test func concurrentSubmittingAndDrainingLosesAndDoublesNothing() async throws {
        let directory = try TemporaryDirectory()
        let url = directory.url
        let total = 400
        try Journal(directory: url, configuration: .init(role: .submitter)).close()

        let submitting = Task.detached { () throws -> [Int64] in
            let submitter = try Journal(directory: url, configuration: .init(role: .submitter, synchronous: .normal))
            return try (0..<total).map { try submitter.submit(payload: #"{"n":\#($0)}"#) }
        }
        let draining = Task.detached { () async throws -> [JournalRecord] in
            let sentinel = try Journal(directory: url, configuration: .init(synchronous: .normal))
            var records: [JournalRecord] = []
            var idleRounds = 0
            // The bound only keeps a broken submitter from hanging the test run.
            while records.count < total, idleRounds < 5_000_000 {
                let take = try sentinel.takeInbox(limit: 7)
                records += take.appended
                if take.isEmpty { idleRounds += 1; await Task.yield() } else { idleRounds = 0 }
            }
            return records
        }
        let ids = try await submitting.value
        let records = try await draining.value

        #expect(Set(ids).count == total)
        #expect(records.map(\.eventID) == ids.map { "inbox:\($0)" })
        #expect(records.map(\.payload) == (0..<total).map { #"{"n":\#($0)}"# })
        let check = try Journal(directory: url, configuration: .init(role: .reader))
        #expect(try check.inboxCount == 0)
        #expect(try check.count == Int64(total))
        #expect(try check.verify().isValid)
    }
}
