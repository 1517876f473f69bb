#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the runtime reads "now": injected so simulations, fixtures and tests control time.
///
/// ```swift
/// func stamp(_ clock: some HaloClock) -> String { clock.now.iso8601 }
/// ```
public protocol HaloClock: Sendable {
    /// The current UTC time.
    var now: Timestamp { get }
}

/// A clock that only moves when told to: fixtures with `clock: manual`, and tests.
///
/// ```swift
/// var clock = ManualClock(now: try Timestamp(iso8601: "2026-03-02T00:00:00Z"))
/// clock.advance(by: try TimeSpan(parsing: "13h"))
/// clock.now.iso8601   // "2026-03-02T13:00:00Z"
/// ```
public struct ManualClock: HaloClock, Equatable, Codable {
    /// The current simulated time.
    public var now: Timestamp

    /// A clock showing `now`.
    ///
    /// ```swift
    /// ManualClock(now: Timestamp(seconds: 0)).now.seconds   // 0
    /// ```
    public init(now: Timestamp) { self.now = now }

    /// Moves time forward (or back, for a negative span), whole seconds.
    ///
    /// ```swift
    /// clock.advance(by: TimeSpan(seconds: 60))
    /// ```
    public mutating func advance(by span: TimeSpan) { now = now.adding(span) }

    /// Jumps to a time.
    ///
    /// ```swift
    /// clock.set(to: Timestamp(seconds: 0))
    /// ```
    public mutating func set(to time: Timestamp) { now = time }
}

/// The host's wall clock (UTC seconds), for `halo run --clock real`.
///
/// ```swift
/// SystemClock().now.seconds > 0   // true
/// ```
public struct SystemClock: HaloClock {
    /// A wall clock.
    ///
    /// ```swift
    /// let clock = SystemClock()
    /// ```
    public init() {}

    /// The wall-clock time, whole seconds.
    ///
    /// ```swift
    /// SystemClock().now.iso8601
    /// ```
    public var now: Timestamp { Timestamp(seconds: Int64(time(nil))) }
}
