import HaloCore

/// The bounds on a jump of the clock, so that catching up is bounded work.
///
/// Every day the clock moves fires a lock and a settlement on every Unit, each calling the
/// policy. An event (or fixture step) more than ``horizonDays`` after the Sentinel's clock is
/// refused (`event-too-far` in `halo run`, `fixture-invalid` in a fixture) rather than run for
/// years of cycles; a legitimate gap within the horizon (a Sentinel down for a week) is caught
/// up one day at a time, each day committed to the journal before the next one runs.
/// Documented in docs/running.md.
public enum CatchUp {
    /// How far past the Sentinel's clock an event may be: 400 days (a year of downtime, with room).
    public static let horizonDays: Int64 = 400
    /// ``horizonDays`` in seconds.
    public static var horizonSeconds: Int64 { horizonDays * Timestamp.secondsPerDay }
    /// A gap longer than this is caught up in commits of this length (one day).
    public static let stepSeconds: Int64 = Timestamp.secondsPerDay
    /// The error code of an event past the horizon.
    public static let tooFarCode = "event-too-far"

    /// "1 day", "2913805 days" or "3h": the length of a gap, for messages.
    static func describeGap(from start: Timestamp, to end: Timestamp) -> String {
        let seconds = end.seconds - start.seconds
        if seconds >= Timestamp.secondsPerDay {
            let days = seconds / Timestamp.secondsPerDay
            return days == 1 ? "1 day" : "\(days) days"
        }
        return "\(seconds / 3600)h"
    }
}
