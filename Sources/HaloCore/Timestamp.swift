/// A UTC instant, whole seconds since 1970-01-01T00:00:00Z.
///
/// Civil-date math is done here with integer arithmetic (proleptic Gregorian calendar,
/// no locale, no time zone database), so the same input gives the same output everywhere.
///
/// ```swift
/// let t = try Timestamp(iso8601: "2026-03-02T13:00:00Z")
/// t.weekday                                  // .monday
/// t.adding(seconds: 3 * 3600).iso8601        // "2026-03-02T16:00:00Z"
/// ```
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since the epoch (negative before 1970).
    public var seconds: Int64

    /// An instant from epoch seconds.
    ///
    /// ```swift
    /// Timestamp(seconds: 0).iso8601   // "1970-01-01T00:00:00Z"
    /// ```
    public init(seconds: Int64) { self.seconds = seconds }

    /// Seconds in a civil day; UTC has no DST and we ignore leap seconds, as POSIX does.
    public static let secondsPerDay: Int64 = 86_400

    /// A time no schedule reaches; returned when every weekday is skipped.
    ///
    /// ```swift
    /// Timestamp.distantFuture > Timestamp(seconds: 0)   // true
    /// ```
    public static let distantFuture = Timestamp(seconds: .max)

    /// Parses `YYYY-MM-DDTHH:MM:SSZ`, also with a `±HH:MM` offset instead of `Z`
    /// (`+00:00` is the common case; other offsets are converted to UTC).
    ///
    /// Refused: fractional seconds, lowercase `t`/`z`, missing parts, impossible dates
    /// (`2026-02-30`), second 60.
    ///
    /// ```swift
    /// try Timestamp(iso8601: "2026-03-02T13:00:00+00:00").iso8601   // "2026-03-02T13:00:00Z"
    /// ```
    public init(iso8601 text: String) throws(TimeFormatError) {
        let b = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for i in from..<(from + count) {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        func byte(_ i: Int, _ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue! }
        guard b.count >= 20,
              let year = digits(0, 4), byte(4, "-"), let month = digits(5, 2), byte(7, "-"),
              let day = digits(8, 2), byte(10, "T"), let hour = digits(11, 2), byte(13, ":"),
              let minute = digits(14, 2), byte(16, ":"), let second = digits(17, 2),
              (1...12).contains(month), day >= 1, day <= Timestamp.daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 60
        else { throw .invalidTimestamp(text) }
        var offsetSeconds = 0
        if b.count == 20, byte(19, "Z") {
            offsetSeconds = 0
        } else if b.count == 25, byte(19, "+") || byte(19, "-"), let oh = digits(20, 2), byte(22, ":"),
                  let om = digits(23, 2), oh < 24, om < 60 {
            offsetSeconds = (oh * 3600 + om * 60) * (byte(19, "-") ? -1 : 1)
        } else {
            throw .invalidTimestamp(text)
        }
        let days = Timestamp.daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
        self.seconds = days * Timestamp.secondsPerDay + Int64(hour * 3600 + minute * 60 + second)
            - Int64(offsetSeconds)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, always UTC.
    ///
    /// ```swift
    /// Timestamp(seconds: 86_400).iso8601   // "1970-01-02T00:00:00Z"
    /// ```
    public var iso8601: String {
        let (y, m, d) = Timestamp.civilFromDays(daysSinceEpoch)
        let s = secondsIntoDay
        func pad(_ v: Int64, _ width: Int) -> String {
            let text = String(v)
            return String(repeating: "0", count: Swift.max(0, width - text.count)) + text
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(s / 3600, 2)):\(pad(s / 60 % 60, 2)):\(pad(s % 60, 2))Z"
    }

    /// Same as ``iso8601``.
    ///
    /// ```swift
    /// "\(Timestamp(seconds: 0))"   // "1970-01-01T00:00:00Z"
    /// ```
    public var description: String { iso8601 }

    /// Whole days since the epoch, rounded toward minus infinity.
    ///
    /// ```swift
    /// Timestamp(seconds: -1).daysSinceEpoch   // -1
    /// ```
    public var daysSinceEpoch: Int64 { Timestamp.floorDivide(seconds, Timestamp.secondsPerDay) }

    /// Seconds since the start of this UTC day, 0..<86400.
    ///
    /// ```swift
    /// try Timestamp(iso8601: "2026-03-02T13:00:00Z").secondsIntoDay   // 46800
    /// ```
    public var secondsIntoDay: Int64 { seconds - daysSinceEpoch * Timestamp.secondsPerDay }

    /// Midnight UTC of this day.
    ///
    /// ```swift
    /// try Timestamp(iso8601: "2026-03-02T13:00:00Z").startOfDay.iso8601   // "2026-03-02T00:00:00Z"
    /// ```
    public var startOfDay: Timestamp { Timestamp(seconds: daysSinceEpoch * Timestamp.secondsPerDay) }

    /// The UTC weekday.
    ///
    /// ```swift
    /// Timestamp(seconds: 0).weekday   // .thursday
    /// ```
    public var weekday: Weekday { Weekday(daysSinceEpoch: daysSinceEpoch) }

    /// The UTC hour, 0...23.
    ///
    /// ```swift
    /// Timestamp(seconds: 3600).hour   // 1
    /// ```
    public var hour: Int { Int(secondsIntoDay / 3600) }

    /// The UTC minute, 0...59.
    ///
    /// ```swift
    /// Timestamp(seconds: 90).minute   // 1
    /// ```
    public var minute: Int { Int(secondsIntoDay / 60 % 60) }

    /// The UTC second, 0...59.
    ///
    /// ```swift
    /// Timestamp(seconds: 90).second   // 30
    /// ```
    public var second: Int { Int(secondsIntoDay % 60) }

    /// The UTC time of day (to the minute).
    ///
    /// ```swift
    /// Timestamp(seconds: 46_800).timeOfDay   // 13:00
    /// ```
    public var timeOfDay: TimeOfDay { TimeOfDay(hour: hour, minute: minute)! }

    /// The UTC calendar date (year, month 1...12, day 1...31).
    ///
    /// ```swift
    /// Timestamp(seconds: 0).date   // (1970, 1, 1)
    /// ```
    public var date: (year: Int, month: Int, day: Int) {
        let (y, m, d) = Timestamp.civilFromDays(daysSinceEpoch)
        return (Int(y), Int(m), Int(d))
    }

    /// This instant moved by `delta` seconds (negative goes back).
    ///
    /// ```swift
    /// Timestamp(seconds: 0).adding(seconds: 60).seconds   // 60
    /// ```
    public func adding(seconds delta: Int64) -> Timestamp { Timestamp(seconds: seconds + delta) }

    /// This instant moved by a span; sub-second parts are truncated toward zero because a
    /// timestamp has whole seconds.
    ///
    /// ```swift
    /// Timestamp(seconds: 0).adding(try TimeSpan(parsing: "1d")).seconds   // 86400
    /// ```
    public func adding(_ span: TimeSpan) -> Timestamp { adding(seconds: span.milliseconds / 1000) }

    /// Seconds from `earlier` to this instant (negative if `earlier` is later).
    ///
    /// ```swift
    /// Timestamp(seconds: 100).seconds(since: Timestamp(seconds: 40))   // 60
    /// ```
    public func seconds(since earlier: Timestamp) -> Int64 { seconds - earlier.seconds }

    /// Earlier first.
    ///
    /// ```swift
    /// Timestamp(seconds: 1) < Timestamp(seconds: 2)   // true
    /// ```
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.seconds < rhs.seconds }

    // MARK: Civil calendar (days <-> year/month/day), eras of 400 years

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func isLeapYear(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date. Counting years from March
    /// puts the leap day last, so month lengths follow the (153 m + 2) / 5 pattern.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Inverse of ``daysFromCivil(year:month:day:)``.
    static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
