import Testing
@testable import HaloCore

@Suite struct HaloClockTests {
    @Test func manualClock() throws {
        var clock = ManualClock(now: try Timestamp(iso8601: "2026-03-02T00:00:00Z"))
        clock.advance(by: try TimeSpan(parsing: "13h"))
        #expect(clock.now.iso8601 == "2026-03-02T13:00:00Z")
        #expect(SystemClock().now.seconds > 1_700_000_000)
    }
}
