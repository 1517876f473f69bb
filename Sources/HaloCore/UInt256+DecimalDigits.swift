// Decimal digits written straight into bytes. Every ledger entry's hash formats its amounts
// and every amount parameter is a decimal string, so this runs several times per operation:
// no intermediate strings or arrays, 19 digits per 256-bit division.

extension UInt256 {
    /// The largest power of ten in a `UInt64`: one 256-by-64-bit division yields 19 digits.
    static let decimalChunk: UInt64 = 10_000_000_000_000_000_000

    /// The most decimal digits a value can have (2^256 - 1 has 78).
    static let maximumDecimalDigits = 78

    /// Calls `body` with the decimal digits as ASCII bytes (`"0"` for zero, no leading
    /// zeros), held in a stack buffer valid only during the call.
    ///
    /// ```swift
    /// UInt256(1000).withDecimalDigits { Array($0) }   // [0x31, 0x30, 0x30, 0x30]
    /// ```
    @inline(__always)
    func withDecimalDigits<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 80) { buffer in
            let end = buffer.baseAddress! + 80
            let start = writeDecimalDigits(endingAt: end)
            return body(UnsafeBufferPointer(start: start, count: end - start))
        }
    }

    /// Writes the decimal digits so that they end just before `end` (at most 78 bytes
    /// before it) and returns where they start.
    func writeDecimalDigits(endingAt end: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        if w1 == 0, w2 == 0, w3 == 0 { return UInt256.writeDigits(of: w0, endingAt: end) }
        var rest = self
        var cursor = end
        while true {
            let (quotient, chunk) = rest.dividedReportingRemainder(bySmall: UInt256.decimalChunk)
            if quotient.isZero { return UInt256.writeDigits(of: chunk, endingAt: cursor) }
            // A lower chunk keeps its leading zeros: exactly 19 digits.
            var value = chunk
            for _ in 0..<19 {
                cursor -= 1
                cursor.pointee = UInt8(truncatingIfNeeded: 0x30 &+ value % 10)
                value /= 10
            }
            rest = quotient
        }
    }

    /// Writes the digits of `value` (`"0"` for zero) ending just before `end`; returns the start.
    @inline(__always)
    static func writeDigits(of value: UInt64, endingAt end: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var cursor = end
        var rest = value
        repeat {
            cursor -= 1
            cursor.pointee = UInt8(truncatingIfNeeded: 0x30 &+ rest % 10)
            rest /= 10
        } while rest != 0
        return cursor
    }
}
