/// A duration in whole milliseconds, written like `"18h"`, `"1d"`, `"129600s"`, `"30m"`,
/// `"250ms"`.
///
/// ```swift
/// let hop = try TimeSpan(parsing: "18h")
/// hop.seconds        // 64800
/// hop.description    // "18h"
/// ```
public struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in milliseconds (may be negative when computed, never when parsed).
    public var milliseconds: Int64

    /// A span of milliseconds.
    ///
    /// ```swift
    /// TimeSpan(milliseconds: 250).description   // "250ms"
    /// ```
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// A span of whole seconds.
    ///
    /// ```swift
    /// TimeSpan(seconds: 60).description   // "1m"
    /// ```
    public init(seconds: Int64) { self.milliseconds = seconds * 1000 }

    /// Zero.
    ///
    /// ```swift
    /// TimeSpan.zero.milliseconds   // 0
    /// ```
    public static let zero = TimeSpan(milliseconds: 0)

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// Parses `<digits><unit>`, unit one of `ms`, `s`, `m` (minutes), `h`, `d`.
    /// One number and one unit only (ours): `"1h30m"`, `"1.5h"`, `"-1s"`, `"18"` and
    /// spaces are refused.
    ///
    /// ```swift
    /// try TimeSpan(parsing: "129600s").seconds   // 129600
    /// ```
    public init(parsing text: String) throws(TimeFormatError) {
        let b = Array(text.utf8)
        var digitCount = 0
        while digitCount < b.count, (0x30...0x39).contains(b[digitCount]) { digitCount += 1 }
        let suffix = String(decoding: b[digitCount...], as: UTF8.self)
        guard digitCount > 0, let unit = TimeSpan.units.first(where: { $0.suffix == suffix }) else {
            throw .invalidDuration(text)
        }
        var value: Int64 = 0
        for digit in b[0..<digitCount] {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(digit - 0x30))
            guard !o1, !o2 else { throw .invalidDuration(text) }
            value = next
        }
        let (ms, overflow) = value.multipliedReportingOverflow(by: unit.milliseconds)
        guard !overflow else { throw .invalidDuration(text) }
        self.milliseconds = ms
    }

    /// Whole seconds, truncated toward zero.
    ///
    /// ```swift
    /// TimeSpan(milliseconds: 1500).seconds   // 1
    /// ```
    public var seconds: Int64 { milliseconds / 1000 }

    /// The largest unit that states the span exactly (`"36h"`, `"1d"`, `"250ms"`), so
    /// printing and parsing round-trip.
    ///
    /// ```swift
    /// TimeSpan(seconds: 129_600).description   // "36h"
    /// ```
    public var description: String {
        if milliseconds == 0 { return "0s" }
        for unit in TimeSpan.units.reversed() where milliseconds % unit.milliseconds == 0 {
            return "\(milliseconds / unit.milliseconds)\(unit.suffix)"
        }
        return "\(milliseconds)ms"
    }

    /// Shorter first.
    ///
    /// ```swift
    /// TimeSpan(seconds: 1) < TimeSpan(seconds: 2)   // true
    /// ```
    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.milliseconds < rhs.milliseconds }
}
