import PropertyBased
import Testing
@testable import HaloCore

@Suite struct TimestampTests {
    @Test func parsesAndPrintsISO8601() throws {
        let t = try Timestamp(iso8601: "2026-03-02T13:00:00Z")
        #expect(t.seconds == 1_772_456_400)
        #expect(t.iso8601 == "2026-03-02T13:00:00Z")
        #expect(try Timestamp(iso8601: "2026-03-02T13:00:00+00:00") == t)
        #expect(try Timestamp(iso8601: "2026-03-02T15:00:00+02:00") == t)
        #expect(t.weekday == .monday)
        #expect(t.hour == 13 && t.minute == 0)
        #expect(Timestamp(seconds: 0).weekday == .thursday)
        #expect(try Timestamp(iso8601: "2024-02-29T23:59:59Z").date == (2024, 2, 29))
        #expect(try Timestamp(iso8601: "1969-12-31T23:59:59Z").seconds == -1)
        #expect(Timestamp(seconds: -1).iso8601 == "1969-12-31T23:59:59Z")
        #expect(try Timestamp(iso8601: "2000-03-01T00:00:00Z").weekday == .wednesday)
    }

    @Test(arguments: ["", "2026-03-02", "2026-03-02T13:00:00", "2026-03-02T13:00:00z", "2026-02-29T00:00:00Z",
                      "2026-13-01T00:00:00Z", "2026-03-02T24:00:00Z", "2026-03-02T13:00:60Z",
                      "2026-03-02T13:00:00.5Z", "2026-03-02 13:00:00Z", "2026-03-02T13:00:00+0000"])
    func refusesBadTimestamps(_ text: String) {
        #expect(throws: TimeFormatError.invalidTimestamp(text)) { try Timestamp(iso8601: text) }
    }

    @Test func civilRoundTrip() async {
        await propertyCheck(count: 2000, input: Gen.int64(in: -62_135_596_800 ... 253_402_300_799)) { s in
            let t = Timestamp(seconds: s)
            let parsed = try Timestamp(iso8601: t.iso8601)
            #expect(parsed == t)
            #expect(t.secondsIntoDay >= 0 && t.secondsIntoDay < 86_400)
        }
    }
}
