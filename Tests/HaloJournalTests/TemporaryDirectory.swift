import Foundation
import HaloJournal

/// A fresh directory for one test, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("halo-journal-tests")
            .appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var journalPath: String { url.appendingPathComponent(Journal.fileName).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A small deterministic event draft.
func eventDraft(_ index: Int, unit: String = "tbill-a") -> JournalRecordDraft {
    JournalRecordDraft(
        kind: .event, eventID: "feed.jsonl:\(index)", unit: unit,
        time: "2026-03-02T09:00:00Z", payload: #"{"fund":{"account":"alice","amount":"\#(index)"}}"#)
}
