/// A token amount: an exact integer of base units plus the asset's decimals.
///
/// Printing and parsing use the contract's decimal strings (trailing zeros trimmed);
/// arithmetic is exact and throws instead of rounding past what the domain specifies.
///
/// ```swift
/// let a = try Amount(parsing: "999999.9999999999999936")
/// let b = try a.adding(try Amount(parsing: "0.0000000000000064"))
/// print(b)   // "1000000"
/// ```
public struct Amount: Sendable, Hashable, CustomStringConvertible, Codable {
    /// The value in base units (10^-decimals of a token).
    public var units: UInt256
    /// How many base-unit digits make one token (18 unless the asset says otherwise).
    public var decimals: UInt8

    /// An amount of `units` base units.
    ///
    /// ```swift
    /// Amount(units: UInt256(980)).description   // "0.00000000000000098"
    /// ```
    public init(units: UInt256, decimals: UInt8 = 18) {
        self.units = units
        self.decimals = decimals
    }

    /// Parses a contract decimal string (`"1000"`, `"0.98"`).
    ///
    /// Throws `.invalidFormat` for anything but digits with an optional point and at least
    /// one digit on each side (so `"1."`, `".5"`, `"+1"`, `"1e3"`, `" 1"` are refused),
    /// `.tooManyDecimals` when the fraction is longer than `decimals`, `.overflow` past
    /// 2^256 - 1 base units.
    ///
    /// ```swift
    /// try Amount(parsing: "0.98").units   // 980000000000000000
    /// try Amount(parsing: "1.5", decimals: 6).units   // 1500000
    /// ```
    public init(parsing text: String, decimals: Int = 18) throws(AmountError) {
        self.units = try FixedPointText.parse(text, decimals: decimals)
        self.decimals = UInt8(decimals)
    }

    /// Zero with 18 decimals.
    ///
    /// ```swift
    /// Amount.zero.description   // "0"
    /// ```
    public static let zero = Amount(units: .zero)

    /// The exact decimal, trailing zeros trimmed (`"1000"`, `"0.98"`).
    ///
    /// ```swift
    /// try Amount(parsing: "1.50").description   // "1.5"
    /// ```
    public var description: String { FixedPointText.format(units, decimals: Int(decimals)) }

    /// `self + other`; both must have the same decimals.
    ///
    /// ```swift
    /// try Amount(parsing: "1").adding(Amount(parsing: "0.5"))   // 1.5
    /// ```
    public func adding(_ other: Amount) throws(AmountError) -> Amount {
        guard decimals == other.decimals else { throw .decimalsMismatch }
        return Amount(units: try units.adding(other.units), decimals: decimals)
    }

    /// `self - other`, throwing `.underflow` below zero.
    ///
    /// ```swift
    /// try Amount(parsing: "1").subtracting(Amount(parsing: "0.5"))   // 0.5
    /// ```
    public func subtracting(_ other: Amount) throws(AmountError) -> Amount {
        guard decimals == other.decimals else { throw .decimalsMismatch }
        return Amount(units: try units.subtracting(other.units), decimals: decimals)
    }

    /// `units * rate / WAD`, rounded down: the USDS value of a share amount, or a reward.
    ///
    /// ```swift
    /// try Amount(parsing: "1000").scaled(by: Rate(parsing: "0.98"))   // 980
    /// ```
    public func scaled(by rate: Rate) throws(AmountError) -> Amount {
        Amount(units: try UInt256.mulDiv(units, rate.wad, .wad), decimals: decimals)
    }

    /// `units * WAD / rate`, rounded down: how many shares an amount of USDS buys.
    ///
    /// ```swift
    /// try Amount(parsing: "980").divided(by: Rate(parsing: "0.98"))   // 1000
    /// ```
    public func divided(by rate: Rate) throws(AmountError) -> Amount {
        Amount(units: try UInt256.mulDiv(units, .wad, rate.wad), decimals: decimals)
    }

    /// The smaller of two amounts.
    ///
    /// ```swift
    /// Amount.min(Amount(units: UInt256(1)), Amount(units: UInt256(2))).units   // 1
    /// ```
    public static func min(_ a: Amount, _ b: Amount) -> Amount { a <= b ? a : b }

    /// The larger of two amounts.
    ///
    /// ```swift
    /// Amount.max(Amount(units: UInt256(1)), Amount(units: UInt256(2))).units   // 2
    /// ```
    public static func max(_ a: Amount, _ b: Amount) -> Amount { a >= b ? a : b }
}

extension Amount: Comparable {
    /// Orders by base units, then decimals (amounts of different decimals are not the
    /// same asset; the tie-break only keeps `<` consistent with `==`).
    ///
    /// ```swift
    /// try Amount(parsing: "1") < Amount(parsing: "2")   // true
    /// ```
    public static func < (lhs: Amount, rhs: Amount) -> Bool {
        lhs.units != rhs.units ? lhs.units < rhs.units : lhs.decimals < rhs.decimals
    }
}
