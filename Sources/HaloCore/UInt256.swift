/// An unsigned 256-bit integer: the base-unit representation of every amount and rate.
///
/// Four `UInt64` limbs, least significant first, like a Solidity `uint256`. Arithmetic is
/// checked: overflow, underflow and division by zero throw ``AmountError`` instead of
/// wrapping, and division rounds toward zero, as Solidity does.
///
/// ```swift
/// let wad = UInt256(1_000_000_000_000_000_000)
/// let x = try UInt256.mulDiv(UInt256(980), wad, UInt256(1000))   // 0.98 WAD
/// print(x)   // "980000000000000000"
/// ```
public struct UInt256: Sendable, Hashable {
    // Stored as four scalars rather than an array so values stay on the stack and
    // copying an amount never allocates.
    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    @usableFromInline var w2: UInt64
    @usableFromInline var w3: UInt64

    /// Builds a value from its limbs, least significant first.
    ///
    /// ```swift
    /// let two64 = UInt256(w0: 0, w1: 1, w2: 0, w3: 0)   // 2^64
    /// ```
    @inlinable
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// A value that fits in 64 bits.
    ///
    /// ```swift
    /// let thousand = UInt256(1000)
    /// ```
    @inlinable
    public init(_ value: UInt64) { self.init(w0: value, w1: 0, w2: 0, w3: 0) }

    /// The four limbs, least significant first.
    ///
    /// ```swift
    /// UInt256(5).limbs   // [5, 0, 0, 0]
    /// ```
    public var limbs: [UInt64] { [w0, w1, w2, w3] }

    /// Builds a value from up to four limbs, least significant first; missing limbs are zero.
    ///
    /// ```swift
    /// UInt256(limbs: [0, 1])   // 2^64
    /// ```
    public init(limbs: [UInt64]) {
        precondition(limbs.count <= 4, "UInt256 has four limbs")
        self.init(
            w0: limbs.count > 0 ? limbs[0] : 0, w1: limbs.count > 1 ? limbs[1] : 0,
            w2: limbs.count > 2 ? limbs[2] : 0, w3: limbs.count > 3 ? limbs[3] : 0)
    }

    /// Zero.
    ///
    /// ```swift
    /// UInt256.zero.isZero   // true
    /// ```
    public static let zero = UInt256(0)

    /// 2^256 - 1; as a rate-limit `maxAmount` it means "unlimited".
    ///
    /// ```swift
    /// UInt256.max.description.count   // 78 digits
    /// ```
    public static let max = UInt256(w0: .max, w1: .max, w2: .max, w3: .max)

    /// 10^18, the fixed-point scale of rates and rewardPerToken.
    ///
    /// ```swift
    /// UInt256.wad   // 1000000000000000000
    /// ```
    public static let wad = UInt256(1_000_000_000_000_000_000)

    /// Whether the value is zero.
    ///
    /// ```swift
    /// UInt256(0).isZero   // true
    /// ```
    @inlinable
    public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    /// The value as a `UInt64` when it fits, else nil.
    ///
    /// ```swift
    /// UInt256(7).uint64Value   // 7
    /// ```
    public var uint64Value: UInt64? { (w1 | w2 | w3) == 0 ? w0 : nil }

    @inlinable
    subscript(limb index: Int) -> UInt64 {
        get {
            switch index {
            case 0: w0
            case 1: w1
            case 2: w2
            default: w3
            }
        }
        set {
            switch index {
            case 0: w0 = newValue
            case 1: w1 = newValue
            case 2: w2 = newValue
            default: w3 = newValue
            }
        }
    }

    /// Number of significant limbs (0 for zero).
    @usableFromInline
    var significantLimbs: Int {
        if w3 != 0 { return 4 }
        if w2 != 0 { return 3 }
        if w1 != 0 { return 2 }
        if w0 != 0 { return 1 }
        return 0
    }
}

// MARK: - Comparison

extension UInt256: Comparable {
    /// Numeric order.
    ///
    /// ```swift
    /// UInt256(1) < UInt256(2)   // true
    /// ```
    @inlinable
    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        if lhs.w3 != rhs.w3 { return lhs.w3 < rhs.w3 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        return lhs.w0 < rhs.w0
    }
}

// MARK: - Checked arithmetic

extension UInt256 {
    /// `self + other`, throwing `.overflow` past 2^256 - 1.
    ///
    /// ```swift
    /// try UInt256(2).adding(UInt256(3))   // 5
    /// ```
    @inlinable
    public func adding(_ other: UInt256) throws(AmountError) -> UInt256 {
        let (sum, overflow) = addingReportingOverflow(other)
        if overflow { throw .overflow }
        return sum
    }

    /// `self - other`, throwing `.underflow` below zero.
    ///
    /// ```swift
    /// try UInt256(5).subtracting(UInt256(3))   // 2
    /// ```
    @inlinable
    public func subtracting(_ other: UInt256) throws(AmountError) -> UInt256 {
        let (difference, borrow) = subtractingReportingOverflow(other)
        if borrow { throw .underflow }
        return difference
    }

    /// `self * other`, throwing `.overflow` past 256 bits.
    ///
    /// ```swift
    /// try UInt256(6).multiplied(by: UInt256(7))   // 42
    /// ```
    public func multiplied(by other: UInt256) throws(AmountError) -> UInt256 {
        let (high, low) = UInt256.fullProduct(self, other)
        if !high.isZero { throw .overflow }
        return low
    }

    /// `self / divisor` rounded toward zero, throwing `.divisionByZero`.
    ///
    /// ```swift
    /// try UInt256(7).dividedBy(UInt256(2))   // 3
    /// ```
    public func dividedBy(_ divisor: UInt256) throws(AmountError) -> UInt256 {
        if divisor.isZero { throw .divisionByZero }
        return UInt256.divideWide(high: .zero, low: self, by: divisor).quotientLow
    }

    /// `self % divisor`, throwing `.divisionByZero`.
    ///
    /// ```swift
    /// try UInt256(7).remainder(dividingBy: UInt256(2))   // 1
    /// ```
    public func remainder(dividingBy divisor: UInt256) throws(AmountError) -> UInt256 {
        if divisor.isZero { throw .divisionByZero }
        return UInt256.divideWide(high: .zero, low: self, by: divisor).remainder
    }

    /// `a * b / c` with a 512-bit intermediate product, rounded toward zero.
    ///
    /// Throws `.divisionByZero` when `c` is zero and `.overflow` when the quotient needs
    /// more than 256 bits. This is the one primitive behind every pro-rata share,
    /// rewardPerToken and exchange-rate conversion, so none of them can overflow early.
    ///
    /// ```swift
    /// let wad = UInt256.wad
    /// try UInt256.mulDiv(UInt256.max, wad, wad) == UInt256.max   // true
    /// ```
    public static func mulDiv(_ a: UInt256, _ b: UInt256, _ c: UInt256) throws(AmountError) -> UInt256 {
        if c.isZero { throw .divisionByZero }
        let (high, low) = fullProduct(a, b)
        if high.isZero, let small = c.uint64Value, let product = low.uint64Value {
            return UInt256(product / small)
        }
        let result = divideWide(high: high, low: low, by: c)
        if !result.quotientHigh.isZero { throw .overflow }
        return result.quotientLow
    }

    /// `self + other` and whether it wrapped.
    @inlinable
    func addingReportingOverflow(_ other: UInt256) -> (UInt256, Bool) {
        let (r0, c0) = w0.addingReportingOverflow(other.w0)
        var (r1, c1) = w1.addingReportingOverflow(other.w1)
        var c1b = false
        if c0 { (r1, c1b) = r1.addingReportingOverflow(1) }
        var (r2, c2) = w2.addingReportingOverflow(other.w2)
        var c2b = false
        if c1 || c1b { (r2, c2b) = r2.addingReportingOverflow(1) }
        var (r3, c3) = w3.addingReportingOverflow(other.w3)
        var c3b = false
        if c2 || c2b { (r3, c3b) = r3.addingReportingOverflow(1) }
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), c3 || c3b)
    }

    /// `self - other` and whether it borrowed past zero.
    @inlinable
    func subtractingReportingOverflow(_ other: UInt256) -> (UInt256, Bool) {
        let (r0, b0) = w0.subtractingReportingOverflow(other.w0)
        var (r1, b1) = w1.subtractingReportingOverflow(other.w1)
        var b1b = false
        if b0 { (r1, b1b) = r1.subtractingReportingOverflow(1) }
        var (r2, b2) = w2.subtractingReportingOverflow(other.w2)
        var b2b = false
        if b1 || b1b { (r2, b2b) = r2.subtractingReportingOverflow(1) }
        var (r3, b3) = w3.subtractingReportingOverflow(other.w3)
        var b3b = false
        if b2 || b2b { (r3, b3b) = r3.subtractingReportingOverflow(1) }
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), b3 || b3b)
    }

    /// `min(self + other, max)`: for rate-limit refills, where "more than the cap" only
    /// ever means "the cap".
    func saturatingAdding(_ other: UInt256) -> UInt256 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// `min(self * other, max)`.
    func saturatingMultiplied(by other: UInt256) -> UInt256 {
        let (high, low) = UInt256.fullProduct(self, other)
        return high.isZero ? low : .max
    }

    /// The full 512-bit product as (high, low) halves.
    static func fullProduct(_ a: UInt256, _ b: UInt256) -> (high: UInt256, low: UInt256) {
        var result = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &result) { raw in
            let r = raw.bindMemory(to: UInt64.self)
            let an = a.significantLimbs, bn = b.significantLimbs
            for i in 0..<an {
                var carry: UInt64 = 0
                let ai = a[limb: i]
                for j in 0..<bn {
                    let p = ai.multipliedFullWidth(by: b[limb: j])
                    let (s1, o1) = r[i + j].addingReportingOverflow(p.low)
                    let (s2, o2) = s1.addingReportingOverflow(carry)
                    r[i + j] = s2
                    // p.high <= 2^64 - 2, so adding two carry bits cannot wrap.
                    carry = p.high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                }
                r[i + bn] = carry
            }
        }
        return (UInt256(w0: result.4, w1: result.5, w2: result.6, w3: result.7),
                UInt256(w0: result.0, w1: result.1, w2: result.2, w3: result.3))
    }

    /// Divides the 512-bit number `high:low` by a non-zero `divisor` (Knuth, TAOCP vol. 2,
    /// 4.3.1, algorithm D, with 64-bit digits). Quotient halves and remainder.
    static func divideWide(high: UInt256, low: UInt256, by divisor: UInt256)
        -> (quotientHigh: UInt256, quotientLow: UInt256, remainder: UInt256)
    {
        precondition(!divisor.isZero)
        let n = divisor.significantLimbs
        let numeratorLimbs = high.isZero ? low.significantLimbs : 4 + high.significantLimbs
        var quotient = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var remainder = UInt256.zero
        if numeratorLimbs < n || (high.isZero && low < divisor) {
            return (.zero, .zero, low)
        }
        // Working buffers on the stack: u has one extra limb for normalisation.
        var u = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var v = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &u) { uRaw in
        withUnsafeMutableBytes(of: &v) { vRaw in
        withUnsafeMutableBytes(of: &quotient) { qRaw in
            let un = uRaw.bindMemory(to: UInt64.self)
            let vn = vRaw.bindMemory(to: UInt64.self)
            let q = qRaw.bindMemory(to: UInt64.self)
            for i in 0..<4 { un[i] = low[limb: i]; un[i + 4] = high[limb: i] }
            if n == 1 {
                // Short division: one hardware divide per limb.
                let d = divisor.w0
                var r: UInt64 = 0
                for i in stride(from: numeratorLimbs - 1, through: 0, by: -1) {
                    (q[i], r) = d.dividingFullWidth((r, un[i]))
                }
                remainder = UInt256(r)
                return
            }
            let m = numeratorLimbs - n
            let shift = UInt64(divisor[limb: n - 1].leadingZeroBitCount)
            // Normalise so the divisor's top limb has its high bit set; qhat is then off by
            // at most two.
            for i in stride(from: n - 1, through: 0, by: -1) {
                let lowerBits: UInt64 = (shift == 0 || i == 0) ? 0 : divisor[limb: i - 1] >> (64 - shift)
                vn[i] = (divisor[limb: i] << shift) | lowerBits
            }
            un[numeratorLimbs] = shift == 0 ? 0 : un[numeratorLimbs - 1] >> (64 - shift)
            for i in stride(from: numeratorLimbs - 1, through: 0, by: -1) {
                let lowerBits: UInt64 = (shift == 0 || i == 0) ? 0 : un[i - 1] >> (64 - shift)
                un[i] = (un[i] << shift) | lowerBits
            }
            let vTop = vn[n - 1], vNext = vn[n - 2]
            for j in stride(from: m, through: 0, by: -1) {
                var qhat: UInt64
                var rhat: UInt64
                var rhatOverflowed = false
                if un[j + n] >= vTop {
                    qhat = .max
                    (rhat, rhatOverflowed) = un[j + n - 1].addingReportingOverflow(vTop)
                } else {
                    (qhat, rhat) = vTop.dividingFullWidth((un[j + n], un[j + n - 1]))
                }
                while !rhatOverflowed {
                    let p = qhat.multipliedFullWidth(by: vNext)
                    guard p.high > rhat || (p.high == rhat && p.low > un[j + n - 2]) else { break }
                    qhat -= 1
                    (rhat, rhatOverflowed) = rhat.addingReportingOverflow(vTop)
                }
                // Multiply and subtract qhat * v from the current window of u.
                var carry: UInt64 = 0
                var borrow: UInt64 = 0
                for i in 0..<n {
                    let p = qhat.multipliedFullWidth(by: vn[i])
                    let (productLow, c) = p.low.addingReportingOverflow(carry)
                    carry = p.high &+ (c ? 1 : 0)
                    let (t1, b1) = un[i + j].subtractingReportingOverflow(productLow)
                    let (t2, b2) = t1.subtractingReportingOverflow(borrow)
                    un[i + j] = t2
                    borrow = (b1 ? 1 : 0) + (b2 ? 1 : 0)
                }
                let (t1, b1) = un[j + n].subtractingReportingOverflow(carry)
                let (t2, b2) = t1.subtractingReportingOverflow(borrow)
                un[j + n] = t2
                if b1 || b2 {
                    // qhat was one too large: add the divisor back.
                    qhat -= 1
                    var addCarry: UInt64 = 0
                    for i in 0..<n {
                        let (s1, o1) = un[i + j].addingReportingOverflow(vn[i])
                        let (s2, o2) = s1.addingReportingOverflow(addCarry)
                        un[i + j] = s2
                        addCarry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
                    }
                    un[j + n] = un[j + n] &+ addCarry
                }
                q[j] = qhat
            }
            for i in 0..<n {
                let upperBits: UInt64 = shift == 0 ? 0 : un[i + 1] << (64 - shift)
                remainder[limb: i] = (un[i] >> shift) | upperBits
            }
        }
        }
        }
        return (UInt256(w0: quotient.4, w1: quotient.5, w2: quotient.6, w3: quotient.7),
                UInt256(w0: quotient.0, w1: quotient.1, w2: quotient.2, w3: quotient.3),
                remainder)
    }

    /// Divides by a small divisor, returning quotient and remainder (decimal formatting).
    func dividedReportingRemainder(bySmall divisor: UInt64) -> (UInt256, UInt64) {
        var quotient = UInt256.zero
        var r: UInt64 = 0
        for i in stride(from: 3, through: 0, by: -1) {
            let (qi, ri) = divisor.dividingFullWidth((r, self[limb: i]))
            quotient[limb: i] = qi
            r = ri
        }
        return (quotient, r)
    }

    /// `self * factor + addend` for small operands, or nil on overflow (decimal parsing).
    func multipliedAdding(bySmall factor: UInt64, adding addend: UInt64) -> UInt256? {
        var result = UInt256.zero
        var carry = addend
        for i in 0..<4 {
            let p = self[limb: i].multipliedFullWidth(by: factor)
            let (s, o) = p.low.addingReportingOverflow(carry)
            result[limb: i] = s
            carry = p.high &+ (o ? 1 : 0)
        }
        return carry == 0 ? result : nil
    }

    /// 10^exponent, or nil past 256 bits.
    static func powerOfTen(_ exponent: Int) -> UInt256? {
        var value = UInt256(1)
        for _ in 0..<exponent {
            guard let next = value.multipliedAdding(bySmall: 10, adding: 0) else { return nil }
            value = next
        }
        return value
    }
}

// MARK: - Decimal text and bytes

extension UInt256: CustomStringConvertible {
    /// The exact decimal digits, no separators.
    ///
    /// ```swift
    /// UInt256(1000).description   // "1000"
    /// ```
    public var description: String {
        withDecimalDigits { String(decoding: $0, as: UTF8.self) }
    }

    /// Parses plain decimal digits (no sign, no separators, no spaces); nil if the text is
    /// not digits or exceeds 2^256 - 1.
    ///
    /// ```swift
    /// UInt256(decimalString: "1000")   // 1000
    /// UInt256(decimalString: "-1")     // nil
    /// ```
    public init?(decimalString text: String) {
        guard !text.isEmpty else { return nil }
        var value = UInt256.zero
        for byte in text.utf8 {
            guard byte >= 0x30, byte <= 0x39,
                  let next = value.multipliedAdding(bySmall: 10, adding: UInt64(byte - 0x30))
            else { return nil }
            value = next
        }
        self = value
    }

    /// The 32 little-endian bytes of the value: the payload format of the Lua binding.
    ///
    /// ```swift
    /// UInt256(1).bytes.first   // 1
    /// ```
    /// Writes the 32 little-endian bytes of `bytes` into `buffer` (at least 32 bytes long)
    /// without allocating.
    @inlinable
    public func storeBytes(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= 32, "UInt256.storeBytes needs 32 bytes")
        buffer.storeBytes(of: w0.littleEndian, toByteOffset: 0, as: UInt64.self)
        buffer.storeBytes(of: w1.littleEndian, toByteOffset: 8, as: UInt64.self)
        buffer.storeBytes(of: w2.littleEndian, toByteOffset: 16, as: UInt64.self)
        buffer.storeBytes(of: w3.littleEndian, toByteOffset: 24, as: UInt64.self)
    }

    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for i in 0..<4 {
            let limb = self[limb: i]
            for b in 0..<8 { out.append(UInt8(truncatingIfNeeded: limb >> (8 * UInt64(b)))) }
        }
        return out
    }

    /// Reads 32 little-endian bytes; nil for any other length.
    ///
    /// ```swift
    /// UInt256(bytes: UInt256(42).bytes)   // 42
    /// ```
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        var value = UInt256.zero
        for i in 0..<4 {
            var limb: UInt64 = 0
            for b in 0..<8 { limb |= UInt64(bytes[i * 8 + b]) << (8 * UInt64(b)) }
            value[limb: i] = limb
        }
        self = value
    }
}
