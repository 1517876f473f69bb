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
        // Works on ASCII bytes in one stack buffer (String index arithmetic walks grapheme
        // clusters, and this runs for every amount in every ledger entry). The digits are
        // written at the end; the point and any leading zeros go in front of them.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 160) { buffer in
            let end = buffer.baseAddress! + 160
            let start = units.writeDecimalDigits(endingAt: end)
            let count = end - start
            func text(_ from: UnsafeMutablePointer<UInt8>, _ to: UnsafeMutablePointer<UInt8>) -> String {
                String(decoding: UnsafeBufferPointer(start: from, count: to - from), as: UTF8.self)
            }
            guard decimals > 0 else { return text(start, end) }
            var last = end
            if count > decimals {
                let split = end - decimals
                while last > split, (last - 1).pointee == 0x30 { last -= 1 }
                if last == split { return text(start, split) }
                // Move the integer digits one place left to make room for the point.
                var cursor = start
                while cursor < split {
                    (cursor - 1).pointee = cursor.pointee
                    cursor += 1
                }
                (split - 1).pointee = 0x2E
                return text(start - 1, last)
            }
            while last > start, (last - 1).pointee == 0x30 { last -= 1 }
            if last == start { return "0" }
            var first = start
            for _ in 0..<(decimals - count) {
                first -= 1
                first.pointee = 0x30
            }
            (first - 1).pointee = 0x2E
            (first - 2).pointee = 0x30
            return text(first - 2, last)
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
