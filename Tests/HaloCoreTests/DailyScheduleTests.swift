import Testing
@testable import HaloCore

@Suite struct DailyScheduleTests {
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
}
