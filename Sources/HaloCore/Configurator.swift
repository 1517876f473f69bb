/// An approved starting point for a rate limit key (granted by governance, aBEAM).
///
/// ```swift
/// RateLimitInit(maxAmount: tokens("10000000"), slope: tokens("115.74"))
/// ```
public struct RateLimitInit: Sendable, Hashable, Codable {
    /// The init's max amount (`UInt256.max` approves unlimited).
    public var maxAmount: UInt256
    /// The init's slope per second.
    public var slope: UInt256

    /// An init.
    ///
    /// ```swift
    /// RateLimitInit(maxAmount: UInt256(100), slope: UInt256(1))
    /// ```
    public init(maxAmount: UInt256, slope: UInt256) {
        self.maxAmount = maxAmount
        self.slope = slope
    }
}

/// The PAU Configurator: how a cBEAM holder (the Unit Sentinel) changes rate limits, bounded
/// by a second-order rate limit (SORL), following PAS `Configurator.setRateLimit`.
///
/// - An **unlimited init** (`maxAmount == UInt256.max`, slope 0) admits only unlimited:
///   any other request is `unlimited-incorrect-params` and changes nothing.
/// - Otherwise each field may be set to at most `max(init, current, current * maxChange)`
///   (`exceeds-max-amount`, `exceeds-max-slope`); so a decrease is always allowed.
/// - A request that raises either field is an increase: it needs `hop > 0`
///   (`hop-not-set`) and `now >= lastIncrease + hop` (`increment-too-soon`).
/// - Any change sets `lastAmount = min(newMax, current(now))`, so changing a limit never
///   refills it.
///
/// Check order: PAS's (`unlimited-incorrect-params`, `exceeds-max-amount`,
/// `exceeds-max-slope`, `hop-not-set`, `increment-too-soon`), after our `no-init`.
/// docs/peer-differences.md lists where this deliberately differs from PAS.
///
/// ```swift
/// var configurator = Configurator()
/// configurator.addInit(key: "deposit", maxAmount: tokens("100000"), slope: tokens("1.157"))
/// var limits = RateLimits()
/// try configurator.setRateLimit(key: "deposit", maxAmount: tokens("100000"),
///                               slope: tokens("1.157"), at: now, limits: &limits)
/// ```
public struct Configurator: Sendable, Equatable, Codable {
    /// Minimum time between two increases of the same key (default 18 h). Zero refuses
    /// every increase (`hop-not-set`), as in PAS.
    public var hop: TimeSpan
    /// Largest factor one increase may apply to a field (default 1.25, i.e. +25 %).
    public var maxChange: Rate
    /// Approved inits by key.
    public private(set) var inits: [String: RateLimitInit]
    /// When each key was last increased.
    public private(set) var lastIncrease: [String: Timestamp] = [:]

    /// A configurator with the public defaults: hop 18 h, maxChange 1.25.
    ///
    /// ```swift
    /// Configurator().hop.description   // "18h"
    /// ```
    public init(hop: TimeSpan = TimeSpan(seconds: 18 * 3600), maxChange: Rate = Rate(wad: UInt256(1_250_000_000_000_000_000)),
                inits: [String: RateLimitInit] = [:]) {
        self.hop = hop
        self.maxChange = maxChange
        self.inits = inits
    }

    /// Approves an init for a key (governance; the 14-day timelock is the caller's concern).
    ///
    /// ```swift
    /// configurator.addInit(key: "withdraw", maxAmount: .max, slope: .zero)   // unlimited allowed
    /// ```
    public mutating func addInit(key: String, maxAmount: UInt256, slope: UInt256) {
        inits[key] = RateLimitInit(maxAmount: maxAmount, slope: slope)
    }

    /// Removes an init (instant, as removals are).
    ///
    /// ```swift
    /// configurator.removeInit(key: "deposit")
    /// ```
    public mutating func removeInit(key: String) { inits[key] = nil }

    /// Governance files new SORL parameters.
    ///
    /// ```swift
    /// configurator.file(hop: TimeSpan(seconds: 86_400), maxChange: try Rate(parsing: "1.1"))
    /// ```
    public mutating func file(hop: TimeSpan? = nil, maxChange: Rate? = nil) {
        if let hop { self.hop = hop }
        if let maxChange { self.maxChange = maxChange }
    }

    /// Sets a rate limit through SORL (see the type's rules). `maxAmount == UInt256.max` is
    /// unlimited. Nothing changes when refused.
    ///
    /// ```swift
    /// try configurator.setRateLimit(key: "deposit", maxAmount: tokens("125000"),
    ///                               slope: tokens("1.446"), at: now.adding(seconds: 86_400),
    ///                               limits: &limits)
    /// ```
    public mutating func setRateLimit(
        key: String, maxAmount: UInt256, slope: UInt256, at now: Timestamp, limits: inout RateLimits
    ) throws(HaloError) {
        let increased = try check(key: key, maxAmount: maxAmount, slope: slope, at: now, limits: limits)
        if maxAmount == .max && slope.isZero {
            limits.setUnlimited(key: key, at: now)
        } else {
            let available = Swift.min(maxAmount, limits.current(key: key, at: now))
            try limits.set(key: key, maxAmount: maxAmount, slope: slope, lastAmount: available,
                           lastUpdated: now, at: now)
        }
        if increased { lastIncrease[key] = now }
    }

    /// Whether an init approves unlimited only (PAS: `defMaxAmount == max && defSlope == 0`).
    static func isUnlimited(_ initial: RateLimitInit) -> Bool { initial.maxAmount == .max && initial.slope.isZero }

    /// Validates a SORL change without applying it; returns whether it is an increase.
    func check(
        key: String, maxAmount: UInt256, slope: UInt256, at now: Timestamp, limits: RateLimits
    ) throws(HaloError) -> Bool {
        guard let initial = inits[key] else { throw .noInit(key: key) }
        if Self.isUnlimited(initial) {
            guard maxAmount == .max, slope.isZero else { throw .unlimitedIncorrectParams(key: key) }
            return false
        }
        let current = limits.limit(key) ?? RateLimit(maxAmount: .zero, slope: .zero, lastAmount: .zero,
                                                     lastUpdated: now)
        guard allowed(maxAmount, initial: initial.maxAmount, current: current.maxAmount) else {
            throw .exceedsMaxAmount(key: key, requested: maxAmount, allowed: bound(initial: initial.maxAmount, current: current.maxAmount))
        }
        guard allowed(slope, initial: initial.slope, current: current.slope) else {
            throw .exceedsMaxSlope(key: key, requested: slope, allowed: bound(initial: initial.slope, current: current.slope))
        }
        guard maxAmount > current.maxAmount || slope > current.slope else { return false }
        // PAS: `require(hop > 0, "Configurator/hop-not-set")` before the cooldown.
        guard hop.milliseconds > 0 else { throw .hopNotSet(key: key) }
        if let last = lastIncrease[key] {
            // Compare in milliseconds so a sub-second hop is still honoured exactly.
            let allowedAtMilliseconds = last.seconds * 1000 + hop.milliseconds
            if now.seconds * 1000 < allowedAtMilliseconds {
                let allowedAt = Timestamp(seconds: (allowedAtMilliseconds + 999) / 1000)
                throw .incrementTooSoon(key: key, allowedAt: allowedAt)
            }
        }
        return true
    }

    /// PAS's bound on one field: `value <= init || value <= current || value <= current *
    /// maxChange / WAD`, evaluated in that order; the product only when the first two fail,
    /// and a product that overflows 256 bits refuses (Solidity reverts there).
    private func allowed(_ value: UInt256, initial: UInt256, current: UInt256) -> Bool {
        if value <= initial || value <= current { return true }
        guard let scaled = scaledByMaxChange(current) else { return false }
        return value <= scaled
    }

    /// `current * maxChange / WAD` as Solidity computes it: nil when the product overflows.
    private func scaledByMaxChange(_ current: UInt256) -> UInt256? {
        guard let product = try? current.multiplied(by: maxChange.wad) else { return nil }
        return try? product.dividedBy(.wad)
    }

    /// The largest value ``allowed(_:initial:current:)`` admits, for the error message.
    private func bound(initial: UInt256, current: UInt256) -> UInt256 {
        Swift.max(initial, current, scaledByMaxChange(current) ?? current)
    }
}
