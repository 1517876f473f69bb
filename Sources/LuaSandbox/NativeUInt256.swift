import LuaShim

/// The 256-bit arithmetic of the sandbox's C amounts (`Sources/LuaShim/amount.c`), on 32-byte
/// little-endian values: exposed so tests can compare it with HaloCore's `UInt256`.
///
/// Every function returns the result bytes with a status: `.ok`, `.overflow`, `.underflow`,
/// `.divisionByZero`, `.invalidText` or `.tooManyDecimals` (then the bytes are meaningless).
///
/// ```swift
/// var one = [UInt8](repeating: 0, count: 32)
/// one[0] = 1
/// NativeUInt256.apply(.add, one, one).bytes[0]   // 2
/// ```
public enum NativeUInt256 {
    /// Outcome of an operation.
    public enum Status: Int32, Sendable {
        case ok = 0, overflow = 1, underflow = 2, divisionByZero = 3, invalidText = 4, tooManyDecimals = 5
    }

    /// Operations of ``apply(_:_:_:_:)``.
    public enum Operation: Int32, Sendable {
        /// a + b
        case add = 0
        /// a - b
        case subtract = 1
        /// a * b
        case multiply = 2
        /// a / b, rounded down
        case divide = 3
        /// a * b / c over a 512-bit product, rounded down
        case mulDiv = 4
    }

    /// `operation` on `a`, `b` (and `c` for `.mulDiv`), each 32 bytes.
    public static func apply(_ operation: Operation, _ a: [UInt8], _ b: [UInt8], _ c: [UInt8] = zero)
        -> (bytes: [UInt8], status: Status)
    {
        precondition(a.count == 32 && b.count == 32 && c.count == 32, "32-byte values")
        var out = zero
        let status = out.withUnsafeMutableBufferPointer { result in
            halo_u256_op(operation.rawValue, a, b, c, result.baseAddress)
        }
        return (out, Status(rawValue: status) ?? .invalidText)
    }

    /// -1, 0 or 1 as `a` is below, equal to or above `b`.
    public static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var out = zero
        return Int(out.withUnsafeMutableBufferPointer { halo_u256_op(Int32(HALO_U256_CMP), a, b, zero, $0.baseAddress) })
    }

    /// A decimal string (`"1000"`, `"0.98"`) in base units of `decimals`.
    public static func parse(_ text: String, decimals: Int) -> (bytes: [UInt8], status: Status) {
        var out = zero
        var text = text
        let status = text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                out.withUnsafeMutableBufferPointer { halo_u256_parse(chars.baseAddress, chars.count, Int32(decimals), $0.baseAddress) }
            }
        }
        return (out, Status(rawValue: status) ?? .invalidText)
    }

    /// The exact decimal of `units` base units of `decimals` (0...77), trailing zeros trimmed.
    public static func format(_ units: [UInt8], decimals: Int) -> String {
        var text = [CChar](repeating: 0, count: 200)
        let length = text.withUnsafeMutableBufferPointer { halo_u256_format(units, Int32(decimals), $0.baseAddress) }
        return String(decoding: text[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// 32 zero bytes.
    public static let zero = [UInt8](repeating: 0, count: 32)
}
