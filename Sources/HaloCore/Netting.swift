/// Pairing of a Unit's two queues at settlement: subscriptions (USDS in) and redemptions
/// (USDS out) cancel each other first, so only the difference travels to or from the
/// asset manager. All figures are USDS base units.
///
/// ```swift
/// let n = Netting(subscribeConverted: UInt256(700), redeemProceeds: UInt256(500))
/// n.matched              // 500: straight from the subscribe queue to the redeem queue
/// n.subscribeRemainder   // 200: to the asset manager through the `deposit` rate limit
/// n.redeemRemainder      // 0:   nothing needed from the manager
/// ```
public struct Netting: Sendable, Hashable, Codable {
    /// USDS the subscribe side converts this settlement.
    public var subscribeConverted: UInt256
    /// USDS the redeem side owes for the shares it converts.
    public var redeemProceeds: UInt256

    /// Nets the two sides.
    ///
    /// ```swift
    /// Netting(subscribeConverted: UInt256(1), redeemProceeds: UInt256(2)).redeemRemainder   // 1
    /// ```
    public init(subscribeConverted: UInt256, redeemProceeds: UInt256) {
        self.subscribeConverted = subscribeConverted
        self.redeemProceeds = redeemProceeds
    }

    /// USDS that moves directly between the queues: the smaller side.
    ///
    /// ```swift
    /// Netting(subscribeConverted: UInt256(3), redeemProceeds: UInt256(2)).matched   // 2
    /// ```
    public var matched: UInt256 { Swift.min(subscribeConverted, redeemProceeds) }

    /// Subscribed USDS left for the asset manager.
    ///
    /// ```swift
    /// Netting(subscribeConverted: UInt256(3), redeemProceeds: UInt256(2)).subscribeRemainder   // 1
    /// ```
    public var subscribeRemainder: UInt256 { (try? subscribeConverted.subtracting(matched)) ?? .zero }

    /// Redemption USDS the asset manager must supply. At most one remainder is non-zero.
    ///
    /// ```swift
    /// Netting(subscribeConverted: UInt256(2), redeemProceeds: UInt256(3)).redeemRemainder   // 1
    /// ```
    public var redeemRemainder: UInt256 { (try? redeemProceeds.subtracting(matched)) ?? .zero }

    /// The contract formula on queue totals: `min(subscribeTotal, redeemTotal * rate / WAD)`,
    /// with `redeemTotal` in shares and the result in USDS.
    ///
    /// ```swift
    /// try Netting.matched(subscribeTotal: UInt256(1000), redeemTotal: UInt256(500), rate: Rate(parsing: "1.02"))
    /// // 510
    /// ```
    public static func matched(subscribeTotal: UInt256, redeemTotal: UInt256, rate: Rate) throws(AmountError) -> UInt256 {
        Swift.min(subscribeTotal, try UInt256.mulDiv(redeemTotal, rate.wad, .wad))
    }
}
