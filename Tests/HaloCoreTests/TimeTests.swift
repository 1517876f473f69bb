import PropertyBased
import Testing
@testable import HaloCore

@Suite struct TimeTests {
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

    @Test func timeOfDay() throws {
        #expect(try TimeOfDay(parsing: "13:00").secondsIntoDay == 46_800)
        #expect(try TimeOfDay(parsing: "09:05").description == "09:05")
        for bad in ["24:00", "9:00", "12:60", "1300", ""] {
            #expect(throws: TimeFormatError.invalidTimeOfDay(bad)) { try TimeOfDay(parsing: bad) }
        }
    }

    let schedule = DailySchedule(lock: TimeOfDay(hour: 13, minute: 0)!, settle: TimeOfDay(hour: 16, minute: 0)!,
                                 skip: [.saturday, .sunday])

    @Test func nextLockAndSettleSkipWeekends() throws {
        let mondayMorning = try Timestamp(iso8601: "2026-03-02T09:00:00Z")
        #expect(schedule.nextLock(after: mondayMorning).iso8601 == "2026-03-02T13:00:00Z")
        #expect(schedule.nextSettle(after: mondayMorning).iso8601 == "2026-03-02T16:00:00Z")
        let mondayLock = try Timestamp(iso8601: "2026-03-02T13:00:00Z")
        #expect(schedule.nextLock(after: mondayLock).iso8601 == "2026-03-03T13:00:00Z")
        let fridayEvening = try Timestamp(iso8601: "2026-03-06T17:00:00Z")
        #expect(schedule.nextLock(after: fridayEvening).iso8601 == "2026-03-09T13:00:00Z")
        #expect(schedule.isSkipped(try Timestamp(iso8601: "2026-03-07T13:00:00Z")))
        #expect(!schedule.isSkipped(fridayEvening))
        let never = DailySchedule(lock: schedule.lock, settle: schedule.settle, skip: Set(Weekday.allCases))
        #expect(never.nextLock(after: mondayLock) == .distantFuture)
    }

    @Test func eventsInAWeek() throws {
        let monday = try Timestamp(iso8601: "2026-03-02T00:00:00Z")
        let events = schedule.events(from: monday, to: monday.adding(seconds: 7 * 86_400))
        #expect(events.count == 10)
        #expect(events.first == CycleEvent(kind: .lock, time: try Timestamp(iso8601: "2026-03-02T13:00:00Z")))
        #expect(events.last == CycleEvent(kind: .settle, time: try Timestamp(iso8601: "2026-03-06T16:00:00Z")))
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.time < $1.time })
        // Half-open: an interval ending exactly at the lock excludes it.
        #expect(schedule.events(from: monday, to: events[0].time).isEmpty)
        #expect(schedule.events(from: events[0].time, to: events[1].time) == [events[0]])
    }

    @Test func manualClock() throws {
        var clock = ManualClock(now: try Timestamp(iso8601: "2026-03-02T00:00:00Z"))
        clock.advance(by: try TimeSpan(parsing: "13h"))
        #expect(clock.now.iso8601 == "2026-03-02T13:00:00Z")
        #expect(SystemClock().now.seconds > 1_700_000_000)
    }
}
