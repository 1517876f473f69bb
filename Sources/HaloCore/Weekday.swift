/// A day of the week, named as artifacts spell it (`skip: [saturday, sunday]`).
///
/// ```swift
/// Weekday(rawValue: "saturday")   // .saturday
/// try Timestamp(iso8601: "2026-03-02T00:00:00Z").weekday   // .monday
/// ```
public enum Weekday: String, Sendable, Hashable, CaseIterable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// The weekday of a day number counted from 1970-01-01 (a Thursday).
    ///
    /// ```swift
    /// Weekday(daysSinceEpoch: 0)   // .thursday
    /// ```
    public init(daysSinceEpoch days: Int64) {
        // Monday-based index; floor modulo so days before 1970 work too.
        let index = ((days + 3) % 7 + 7) % 7
        self = Weekday.allCases[Int(index)]
    }
}
