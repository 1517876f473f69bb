/// A UTC wall-clock time within a day, to the minute (`"13:00"`).
///
/// ```swift
/// let lock = try TimeOfDay(parsing: "13:00")
/// lock.secondsIntoDay   // 46800
/// ```
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 0...23.
    public let hour: Int
    /// 0...59.
    public let minute: Int

    /// A time of day; nil unless `0 <= hour < 24` and `0 <= minute < 60`.
    ///
    /// ```swift
    /// TimeOfDay(hour: 16, minute: 0)   // 16:00
    /// ```
    public init?(hour: Int, minute: Int) {
        guard (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:MM` (two digits each, 24-hour clock).
    ///
    /// ```swift
    /// try TimeOfDay(parsing: "09:30").minute   // 30
    /// ```
    public init(parsing text: String) throws(TimeFormatError) {
        let b = Array(text.utf8)
        guard b.count == 5, b[2] == UInt8(ascii: ":"),
              let h = twoDigits(b[0], b[1]), let m = twoDigits(b[3], b[4]),
              let value = TimeOfDay(hour: h, minute: m)
        else { throw .invalidTimeOfDay(text) }
        self = value
    }

    /// Seconds after midnight.
    ///
    /// ```swift
    /// TimeOfDay(hour: 1, minute: 1)!.secondsIntoDay   // 3660
    /// ```
    public var secondsIntoDay: Int64 { Int64(hour * 3600 + minute * 60) }

    /// `HH:MM`.
    ///
    /// ```swift
    /// TimeOfDay(hour: 9, minute: 5)!.description   // "09:05"
    /// ```
    public var description: String {
        (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }

    /// Earlier in the day first.
    ///
    /// ```swift
    /// TimeOfDay(hour: 13, minute: 0)! < TimeOfDay(hour: 16, minute: 0)!   // true
    /// ```
    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.secondsIntoDay < rhs.secondsIntoDay }
}

/// Two ASCII digits as a number, or nil.
func twoDigits(_ a: UInt8, _ b: UInt8) -> Int? {
    guard (0x30...0x39).contains(a), (0x30...0x39).contains(b) else { return nil }
    return Int(a - 0x30) * 10 + Int(b - 0x30)
}
