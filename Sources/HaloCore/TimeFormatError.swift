/// Why a time, duration or time-of-day text was refused.
///
/// ```swift
/// do { _ = try TimeSpan(parsing: "18 hours") }
/// catch { print(error.code) }   // "invalid-duration"
/// ```
public enum TimeFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not `YYYY-MM-DDTHH:MM:SSZ` (or with a `±HH:MM` offset), or not a real date.
    case invalidTimestamp(String)
    /// Not `<digits><unit>` with unit `ms`, `s`, `m`, `h` or `d`, or too large.
    case invalidDuration(String)
    /// Not `HH:MM` on a 24-hour clock.
    case invalidTimeOfDay(String)
    /// Not a weekday name (`monday` ... `sunday`).
    case invalidWeekday(String)

    /// The stable, kebab-case error code.
    ///
    /// ```swift
    /// TimeFormatError.invalidTimeOfDay("25:00").code   // "invalid-time-of-day"
    /// ```
    public var code: String {
        switch self {
        case .invalidTimestamp: "invalid-timestamp"
        case .invalidDuration: "invalid-duration"
        case .invalidTimeOfDay: "invalid-time-of-day"
        case .invalidWeekday: "invalid-weekday"
        }
    }

    /// A one-line explanation for humans.
    ///
    /// ```swift
    /// TimeFormatError.invalidDuration("1w").message
    /// ```
    public var message: String {
        switch self {
        case .invalidTimestamp(let t): "\"\(t)\" is not an ISO-8601 UTC time like 2026-03-02T13:00:00Z"
        case .invalidDuration(let t): "\"\(t)\" is not a duration like 18h, 1d, 129600s, 30m or 250ms"
        case .invalidTimeOfDay(let t): "\"\(t)\" is not a time of day like 13:00"
        case .invalidWeekday(let t): "\"\(t)\" is not a weekday (monday ... sunday)"
        }
    }

    /// `code: message`.
    ///
    /// ```swift
    /// "\(TimeFormatError.invalidWeekday("funday"))"
    /// ```
    public var description: String { "\(code): \(message)" }
}
