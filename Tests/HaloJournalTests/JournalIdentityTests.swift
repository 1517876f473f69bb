import Foundation
@testable import HaloJournal
import Testing

/// Issue 9, kind 8: SQLite text bound from a Swift string stops at a NUL, so `wire` NUL `A`
/// and `wire` NUL `B` were stored as one id `wire` and the hash chain no longer verified.
/// The journal refuses what it cannot store exactly; ids that differ only after the first
/// few bytes, or only in non-ASCII bytes, stay distinct.
@Suite struct JournalIdentityTests {
    @Test func aNulInAnyTextFieldIsRefusedAndNothingIsWritten() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        let drafts = [
            JournalRecordDraft(kind: .event, eventID: "wire\u{0}A", unit: "tbill-a", time: "2026-03-02T08:00:00Z", payload: "{}"),
            JournalRecordDraft(kind: .event, eventID: "ok", unit: "tbill\u{0}", time: "2026-03-02T08:00:00Z", payload: "{}"),
            JournalRecordDraft(kind: .event, eventID: "ok", unit: "tbill-a", time: "2026-03-02T08:00:00Z", payload: "{\u{0}}"),
        ]
        for draft in drafts {
            #expect { try journal.append([draft]) } throws: { error in
                (error as? JournalError)?.code == "journal-invalid-record"
            }
        }
        #expect(try journal.count == 0)
        #expect { _ = try journal.submit(payload: "{\"id\":\"a\u{0}\"}") } throws: { error in
            (error as? JournalError)?.code == "journal-invalid-record"
        }
        #expect(try journal.inboxCount == 0)
    }

    @Test func distinctIDsStayDistinct() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.url)
        let ids = ["wire-A", "wire-B", "wire-é", "wire-ë", "wire-😀", String(repeating: "x", count: 256)]
        _ = try journal.append(ids.map {
            JournalRecordDraft(kind: .event, eventID: $0, unit: "tbill-a", time: "2026-03-02T08:00:00Z", payload: "{}")
        })
        #expect(try journal.journaledEventIDs(among: ids + ["wire-C"]) == Set(ids))
        for id in ids { #expect(try journal.contains(eventID: id)) }
        let outcome = try journal.appendSkippingDuplicates(ids.map {
            JournalRecordDraft(kind: .event, eventID: $0, unit: "tbill-a", time: "2026-03-02T08:01:00Z", payload: "{}")
        })
        #expect(outcome.appended.isEmpty && outcome.skipped.count == ids.count)
        #expect(try journal.verify().isValid)
    }
}
