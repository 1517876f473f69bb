/// The contract's decimal-string format for fixed-point numbers (amounts and rates),
/// shared so both read and print exactly alike.
///
/// Accepted (ours, DOMAIN.md is silent): ASCII digits, optionally one `.` followed by at
/// least one digit: `"1000"`, `"0.98"`, `"007"`, `"1.50"`. Refused as `invalidFormat`:
/// empty text, signs, exponents, spaces, separators, `"1."`, `".5"`. More fraction digits
/// than `decimals` is `tooManyDecimals` even when the extra digits are zeros, so a typo
/// never silently changes precision.
enum FixedPointText {
    /// The largest number of decimals whose scale 10^decimals fits in 256 bits.
    static let maximumDecimals = 77

    static func parse(_ text: String, decimals: Int) throws(AmountError) -> UInt256 {
        guard decimals >= 0, decimals <= maximumDecimals else { throw .invalidFormat(text) }
        let utf8 = Array(text.utf8)
        var integerDigits = 0
        while integerDigits < utf8.count, isDigit(utf8[integerDigits]) { integerDigits += 1 }
        guard integerDigits > 0 else { throw .invalidFormat(text) }
        var fraction: ArraySlice<UInt8> = []
        if integerDigits < utf8.count {
            guard utf8[integerDigits] == UInt8(ascii: "."), integerDigits + 1 < utf8.count else {
                throw .invalidFormat(text)
            }
            fraction = utf8[(integerDigits + 1)...]
            guard fraction.allSatisfy(isDigit) else { throw .invalidFormat(text) }
        }
        if fraction.count > decimals { throw .tooManyDecimals(text, allowed: decimals) }
        var units = UInt256.zero
        for digit in utf8[0..<integerDigits] {
            guard let next = units.multipliedAdding(bySmall: 10, adding: UInt64(digit - 0x30)) else {
                throw .overflow
            }
            units = next
        }
        for digit in fraction {
            guard let next = units.multipliedAdding(bySmall: 10, adding: UInt64(digit - 0x30)) else {
                throw .overflow
            }
            units = next
        }
        guard let scale = UInt256.powerOfTen(decimals - fraction.count) else { throw .overflow }
        return try units.multiplied(by: scale)
    }

    static func format(_ units: UInt256, decimals: Int) -> String {
        // Works on ASCII bytes: String index arithmetic walks grapheme clusters, and this runs
        // for every amount in every ledger entry.
        let digits = Array(units.description.utf8)
        guard decimals > 0 else { return String(decoding: digits, as: UTF8.self) }
        var padded = digits
        if padded.count <= decimals {
            padded = [UInt8](repeating: 0x30, count: decimals - padded.count + 1) + padded
        }
        let split = padded.count - decimals
        var end = padded.count
        while end > split, padded[end - 1] == 0x30 { end -= 1 }
        if end == split { return String(decoding: padded[..<split], as: UTF8.self) }
        var text = Array(padded[..<split])
        text.append(0x2E)
        text.append(contentsOf: padded[split..<end])
        return String(decoding: text, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
