import Testing
@testable import HaloCore

@Suite struct TimeSpanTests {
    @Test func durations() throws {
        #expect(try TimeSpan(parsing: "18h").seconds == 64_800)
        #expect(try TimeSpan(parsing: "1d").seconds == 86_400)
        #expect(try TimeSpan(parsing: "129600s").description == "36h")
        #expect(try TimeSpan(parsing: "250ms").milliseconds == 250)
        #expect(try TimeSpan(parsing: "30m").seconds == 1800)
        #expect(try TimeSpan(parsing: "18h").description == "18h")
        #expect(TimeSpan(milliseconds: 1500).description == "1500ms")
        for bad in ["", "18", "h", "1.5h", "-1s", "1h30m", "18 h", "1w", "99999999999999999999s"] {
            #expect(throws: TimeFormatError.invalidDuration(bad)) { try TimeSpan(parsing: bad) }
        }
    }
}
