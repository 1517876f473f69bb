/// The rate limits of one PAU, keyed by flow name (`deposit`, `withdraw`, ...), with the
/// Spark `RateLimits` contract's checks in its order. A key never set reads 0.
///
/// ```swift
/// var limits = RateLimits()
/// let t0 = Timestamp(seconds: 0)
/// limits.set(key: "deposit", maxAmount: UInt256(100), slope: UInt256(10), at: t0)   // starts full
/// try limits.consume(key: "deposit", amount: UInt256(40), at: t0)   // 60 left
/// limits.current(key: "deposit", at: Timestamp(seconds: 2))          // 80
/// ```
public struct RateLimits: Sendable, Equatable, Codable {
    /// Every limit set so far, by key.
    public private(set) var limits: [String: RateLimit] = [:]

    /// No limits: every flow reads 0 and is refused until set.
    ///
    /// ```swift
    /// RateLimits().current(key: "deposit", at: Timestamp(seconds: 0))   // 0
    /// ```
    public init() {}

    /// The limit for a key, nil if never set.
    ///
    /// ```swift
    /// limits.limit("deposit")?.maxAmount
    /// ```
    public func limit(_ key: String) -> RateLimit? { limits[key] }

    /// The keys set so far, sorted (for deterministic output).
    ///
    /// ```swift
    /// limits.keys   // ["deposit", "withdraw"]
    /// ```
    public var keys: [String] { limits.keys.sorted() }

    /// What may flow now under `key` (0 if never set, `MAX` if unlimited).
    ///
    /// ```swift
    /// limits.current(key: "deposit", at: now)
    /// ```
    public func current(key: String, at time: Timestamp) -> UInt256 {
        limits[key]?.current(at: time) ?? .zero
    }

    /// Sets max and slope and starts **full**: `lastAmount = maxAmount`, `lastUpdated = now`.
    ///
    /// ```swift
    /// limits.set(key: "deposit", maxAmount: UInt256(100), slope: UInt256(1), at: now)
    /// ```
    public mutating func set(key: String, maxAmount: UInt256, slope: UInt256, at now: Timestamp) {
        limits[key] = RateLimit(maxAmount: maxAmount, slope: slope, lastAmount: maxAmount, lastUpdated: now)
    }

    /// Sets all four fields. `invalid-last-amount` if `lastAmount > maxAmount`,
    /// `invalid-last-updated` if `lastUpdated > now` (checked in that order).
    ///
    /// ```swift
    /// try limits.set(key: "deposit", maxAmount: UInt256(100), slope: UInt256(10),
    ///                lastAmount: UInt256(1), lastUpdated: now, at: now)
    /// ```
    public mutating func set(
        key: String, maxAmount: UInt256, slope: UInt256, lastAmount: UInt256, lastUpdated: Timestamp,
        at now: Timestamp
    ) throws(HaloError) {
        guard lastAmount <= maxAmount else { throw .invalidLastAmount(key: key) }
        guard lastUpdated <= now else { throw .invalidLastUpdated(key: key) }
        limits[key] = RateLimit(maxAmount: maxAmount, slope: slope, lastAmount: lastAmount, lastUpdated: lastUpdated)
    }

    /// Makes the key unlimited: (MAX, 0, MAX, now).
    ///
    /// ```swift
    /// limits.setUnlimited(key: "withdraw", at: now)
    /// ```
    public mutating func setUnlimited(key: String, at now: Timestamp) {
        limits[key] = RateLimit(maxAmount: .max, slope: .zero, lastAmount: .max, lastUpdated: now)
    }

    /// Records a flow of `amount`: `rate-limit-not-set` if maxAmount is 0 (even for 0),
    /// unlimited returns `MAX` and changes nothing, else `rate-limit-exceeded` unless
    /// `amount <= current`, then `lastAmount = current - amount`, `lastUpdated = now`.
    /// Returns the new current amount.
    ///
    /// ```swift
    /// try limits.consume(key: "deposit", amount: UInt256(11), at: now)
    /// ```
    @discardableResult
    public mutating func consume(key: String, amount: UInt256, at now: Timestamp) throws(HaloError) -> UInt256 {
        guard var limit = limits[key], !limit.maxAmount.isZero else { throw .rateLimitNotSet(key: key) }
        if limit.isUnlimited { return .max }
        let current = limit.current(at: now)
        guard amount <= current else { throw .rateLimitExceeded(key: key, requested: amount, available: current) }
        limit.lastAmount = try checked { () throws(AmountError) in try current.subtracting(amount) }
        limit.lastUpdated = now
        limits[key] = limit
        return limit.lastAmount
    }

    /// Undoes a flow of `amount`: same first checks as ``consume(key:amount:at:)``, then
    /// `lastAmount = min(current + amount, maxAmount)`, `lastUpdated = now`. Returns the new
    /// current amount.
    ///
    /// ```swift
    /// try limits.replenish(key: "deposit", amount: UInt256(5), at: now)
    /// ```
    @discardableResult
    public mutating func replenish(key: String, amount: UInt256, at now: Timestamp) throws(HaloError) -> UInt256 {
        guard var limit = limits[key], !limit.maxAmount.isZero else { throw .rateLimitNotSet(key: key) }
        if limit.isUnlimited { return .max }
        limit.lastAmount = Swift.min(limit.current(at: now).saturatingAdding(amount), limit.maxAmount)
        limit.lastUpdated = now
        limits[key] = limit
        return limit.lastAmount
    }
}
