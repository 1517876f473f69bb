/// A WAD-scaled (10^18) fixed-point ratio: an exchange rate (USDS value of one share) or a
/// rewardPerToken.
///
/// ```swift
/// let rate = try Rate(parsing: "0.98")
/// print(rate.wad)   // 980000000000000000
/// print(rate)       // "0.98"
/// ```
public struct Rate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The ratio times 10^18.
    public var wad: UInt256

    /// A rate from its WAD-scaled value.
    ///
    /// ```swift
    /// Rate(wad: .wad) == Rate.one   // true
    /// ```
    public init(wad: UInt256) { self.wad = wad }

    /// Parses a decimal string with up to 18 fraction digits (same grammar as ``Amount``).
    ///
    /// ```swift
    /// try Rate(parsing: "1.25").wad   // 1250000000000000000
    /// ```
    public init(parsing text: String) throws(AmountError) {
        self.wad = try FixedPointText.parse(text, decimals: 18)
    }

    /// 1.0.
    ///
    /// ```swift
    /// Rate.one.description   // "1"
    /// ```
    public static let one = Rate(wad: .wad)

    /// The exact decimal, trailing zeros trimmed.
    ///
    /// ```swift
    /// Rate(wad: UInt256(980_000_000_000_000_000)).description   // "0.98"
    /// ```
    public var description: String { FixedPointText.format(wad, decimals: 18) }

    /// Numeric order.
    ///
    /// ```swift
    /// try Rate(parsing: "0.98") < Rate.one   // true
    /// ```
    public static func < (lhs: Rate, rhs: Rate) -> Bool { lhs.wad < rhs.wad }
}
