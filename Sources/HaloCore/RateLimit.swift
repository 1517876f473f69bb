/// One PAU rate limit (Spark `RateLimits` semantics): a bucket of `maxAmount` that refills
/// at `slope` base units per second from `lastAmount` at `lastUpdated`.
///
/// `maxAmount == UInt256.max` means unlimited.
///
/// ```swift
/// let limit = RateLimit(maxAmount: UInt256(100), slope: UInt256(10), lastAmount: UInt256(1),
///                       lastUpdated: Timestamp(seconds: 0))
/// limit.current(at: Timestamp(seconds: 1))   // 11
/// ```
public struct RateLimit: Sendable, Hashable, Codable {
    /// The cap; `UInt256.max` = unlimited.
    public var maxAmount: UInt256
    /// Refill per second, base units.
    public var slope: UInt256
    /// The amount available at `lastUpdated`.
    public var lastAmount: UInt256
    /// When `lastAmount` was recorded.
    public var lastUpdated: Timestamp

    /// A limit with all four fields.
    ///
    /// ```swift
    /// RateLimit(maxAmount: UInt256(5), slope: .zero, lastAmount: UInt256(5), lastUpdated: Timestamp(seconds: 0))
    /// ```
    public init(maxAmount: UInt256, slope: UInt256, lastAmount: UInt256, lastUpdated: Timestamp) {
        self.maxAmount = maxAmount
        self.slope = slope
        self.lastAmount = lastAmount
        self.lastUpdated = lastUpdated
    }

    /// Whether the limit is unlimited (`maxAmount == UInt256.max`).
    ///
    /// ```swift
    /// RateLimit(maxAmount: .max, slope: .zero, lastAmount: .max, lastUpdated: Timestamp(seconds: 0)).isUnlimited
    /// ```
    public var isUnlimited: Bool { maxAmount == .max }

    /// What may flow at `time`: `MAX` if unlimited, else
    /// `min(lastAmount + slope * (time - lastUpdated), maxAmount)`. A time before
    /// `lastUpdated` counts as no time elapsed (ours: Solidity would revert).
    ///
    /// ```swift
    /// limit.current(at: limit.lastUpdated) == limit.lastAmount   // true when lastAmount <= max
    /// ```
    public func current(at time: Timestamp) -> UInt256 {
        if isUnlimited { return .max }
        let elapsed = time.seconds > lastUpdated.seconds ? UInt64(time.seconds - lastUpdated.seconds) : 0
        // Saturating: anything past the cap is the cap.
        let refill = slope.saturatingMultiplied(by: UInt256(elapsed))
        return Swift.min(lastAmount.saturatingAdding(refill), maxAmount)
    }
}
