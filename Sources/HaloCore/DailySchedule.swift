/// The daily settlement cycle of a Halo: queues lock at `lock`, settle at `settle` (UTC),
/// except on skipped weekdays, when nothing locks and the next settlement covers the
/// longer interval.
///
/// A day is skipped per event (ours): each lock or settle belongs to the UTC day it falls
/// on, and is dropped when that day's weekday is in `skip`.
///
/// ```swift
/// let schedule = DailySchedule(lock: TimeOfDay(hour: 13, minute: 0)!,
///                              settle: TimeOfDay(hour: 16, minute: 0)!,
///                              skip: [.saturday, .sunday])
/// let friday = try Timestamp(iso8601: "2026-03-06T17:00:00Z")
/// schedule.nextLock(after: friday).iso8601   // "2026-03-09T13:00:00Z" (Monday)
/// ```
public struct DailySchedule: Sendable, Equatable, Codable {
    /// When the queues lock (13:00 in the reference cycle).
    public var lock: TimeOfDay
    /// The moment of settlement (16:00 in the reference cycle).
    public var settle: TimeOfDay
    /// Weekdays on which no cycle event fires.
    public var skip: Set<Weekday>

    /// A schedule.
    ///
    /// ```swift
    /// DailySchedule(lock: TimeOfDay(hour: 13, minute: 0)!, settle: TimeOfDay(hour: 16, minute: 0)!)
    /// ```
    public init(lock: TimeOfDay, settle: TimeOfDay, skip: Set<Weekday> = []) {
        self.lock = lock
        self.settle = settle
        self.skip = skip
    }

    /// Whether `time` falls on a skipped weekday.
    ///
    /// ```swift
    /// schedule.isSkipped(try Timestamp(iso8601: "2026-03-07T13:00:00Z"))   // true (Saturday)
    /// ```
    public func isSkipped(_ time: Timestamp) -> Bool { skip.contains(time.weekday) }

    /// The first lock strictly after `time`; ``Timestamp/distantFuture`` if every weekday
    /// is skipped.
    ///
    /// ```swift
    /// schedule.nextLock(after: try Timestamp(iso8601: "2026-03-02T13:00:00Z")).iso8601
    /// // "2026-03-03T13:00:00Z": strictly after, so a lock at exactly `time` is not repeated
    /// ```
    public func nextLock(after time: Timestamp) -> Timestamp { next(lock, after: time) }

    /// The first settlement strictly after `time`; ``Timestamp/distantFuture`` if every
    /// weekday is skipped.
    ///
    /// ```swift
    /// schedule.nextSettle(after: try Timestamp(iso8601: "2026-03-02T13:00:00Z")).iso8601
    /// // "2026-03-02T16:00:00Z"
    /// ```
    public func nextSettle(after time: Timestamp) -> Timestamp { next(settle, after: time) }

    /// Every cycle event in `[from, to)`, in time order (a lock before a settle at the
    /// same instant), skipped weekdays left out.
    ///
    /// ```swift
    /// let monday = try Timestamp(iso8601: "2026-03-02T00:00:00Z")
    /// schedule.events(from: monday, to: monday.adding(seconds: 86_400)).map(\.kind)
    /// // [.lock, .settle]
    /// ```
    public func events(from: Timestamp, to: Timestamp) -> [CycleEvent] {
        guard from < to else { return [] }
        var result: [CycleEvent] = []
        let firstDay = from.daysSinceEpoch
        let lastDay = Timestamp(seconds: to.seconds - 1).daysSinceEpoch
        var day = firstDay
        while day <= lastDay {
            if !skip.contains(Weekday(daysSinceEpoch: day)) {
                let start = day * Timestamp.secondsPerDay
                for (kind, time) in [(CycleEvent.Kind.lock, lock), (.settle, settle)] {
                    let at = Timestamp(seconds: start + time.secondsIntoDay)
                    if at >= from, at < to { result.append(CycleEvent(kind: kind, time: at)) }
                }
            }
            day += 1
        }
        result.sort { $0.time != $1.time ? $0.time < $1.time : ($0.kind == .lock && $1.kind == .settle) }
        return result
    }

    private func next(_ timeOfDay: TimeOfDay, after time: Timestamp) -> Timestamp {
        let today = time.daysSinceEpoch
        // Eight days always contains the next occurrence on a non-skipped weekday, if any.
        for offset: Int64 in 0...7 {
            let day = today + offset
            let candidate = Timestamp(seconds: day * Timestamp.secondsPerDay + timeOfDay.secondsIntoDay)
            if candidate > time, !skip.contains(Weekday(daysSinceEpoch: day)) { return candidate }
        }
        return .distantFuture
    }
}

/// One event of the daily cycle: a lock or a settlement at a time.
///
/// ```swift
/// CycleEvent(kind: .lock, time: Timestamp(seconds: 46_800))
/// ```
public struct CycleEvent: Sendable, Hashable, Codable {
    /// Lock or settle.
    public enum Kind: String, Sendable, Hashable, Codable { case lock, settle }
    /// What happens.
    public var kind: Kind
    /// When.
    public var time: Timestamp

    /// An event.
    ///
    /// ```swift
    /// CycleEvent(kind: .settle, time: Timestamp(seconds: 57_600)).kind   // .settle
    /// ```
    public init(kind: Kind, time: Timestamp) {
        self.kind = kind
        self.time = time
    }
}
