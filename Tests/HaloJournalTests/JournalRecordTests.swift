import Foundation
import HaloJournal
import Testing

@Suite struct JournalRecordTests {
    // Known answers computed independently (Python hashlib) from the encoding documented in
    // docs/journal.md, so that the documentation, not this code, is the reference.
    @Test func hashMatchesTheDocumentedEncoding() {
        let first = JournalRecord(
            seq: 1,
            draft: JournalRecordDraft(
                kind: .event, eventID: "feed.jsonl:1", unit: "tbill-a", time: "2026-03-02T09:00:00Z",
                payload: #"{"subscribe":{"account":"alice","amount":"1000"}}"#),
            prevHash: JournalRecord.genesisHash)
        #expect(first.hash == "4be0d616918fc26337fad2824eae9741d51f1d5ca1a296e9559fbf4c44533011")
        let second = JournalRecord(
            seq: 2, draft: JournalRecordDraft(kind: .decision, time: "2026-03-02T13:00:00Z", payload: "{}"),
            prevHash: first.hash)
        #expect(second.hash == "a9924d3e0cb4284dcd11fb24fa524a54da95bc9790976ee9e42bc1ddf4ab27dd")
    }

    @Test func nullAndEmptyFieldsHashDifferently() {
        // Without the presence byte a NULL unit and an empty unit would collide.
        let null = JournalRecord(seq: 1, draft: JournalRecordDraft(kind: .event, unit: nil, time: "t", payload: "{}"),
                                 prevHash: JournalRecord.genesisHash)
        let empty = JournalRecord(seq: 1, draft: JournalRecordDraft(kind: .event, unit: "", time: "t", payload: "{}"),
                                  prevHash: JournalRecord.genesisHash)
        #expect(null.hash != empty.hash)
    }

    @Test func anEditedFieldInvalidatesTheHash() {
        var record = JournalRecord(seq: 3, draft: eventDraft(3), prevHash: JournalRecord.genesisHash)
        #expect(record.isHashValid)
        record.payload = #"{"fund":{"account":"mallory","amount":"3"}}"#
        #expect(!record.isHashValid)
    }

    @Test func datesFormatAsISO8601UTC() {
        #expect(JournalRecordDraft.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(JournalRecordDraft.format(Date(timeIntervalSince1970: 1.5)) == "1970-01-01T00:00:01.500Z")
    }
}
