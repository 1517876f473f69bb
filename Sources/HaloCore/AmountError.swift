/// Why an exact-amount computation or an amount/rate text was refused.
///
/// Money never wraps and never rounds silently past what the domain specifies, so every
/// arithmetic edge is an error the caller must handle.
///
/// ```swift
/// do { _ = try UInt256.max.adding(UInt256(1)) }
/// catch { print(error.code) }   // "overflow"
/// ```
public enum AmountError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The result does not fit in 256 bits.
    case overflow
    /// A subtraction would go below zero.
    case underflow
    /// A division (or a rate of zero) had a zero divisor.
    case divisionByZero
    /// The text is not a plain decimal number (`"1000"`, `"0.98"`); carries the text.
    case invalidFormat(String)
    /// The text has more fraction digits than the asset allows; carries the text.
    case tooManyDecimals(String, allowed: Int)
    /// Two amounts of different decimals were combined.
    case decimalsMismatch

    /// The stable, kebab-case error code shown in messages and JSON.
    ///
    /// ```swift
    /// AmountError.underflow.code   // "underflow"
    /// ```
    public var code: String {
        switch self {
        case .overflow: "overflow"
        case .underflow: "underflow"
        case .divisionByZero: "division-by-zero"
        case .invalidFormat: "invalid-amount"
        case .tooManyDecimals: "too-many-decimals"
        case .decimalsMismatch: "decimals-mismatch"
        }
    }

    /// A one-line explanation for humans.
    ///
    /// ```swift
    /// AmountError.tooManyDecimals("0.1234", allowed: 2).message
    /// // "amount 0.1234 has more than 2 fraction digits"
    /// ```
    public var message: String {
        switch self {
        case .overflow: "amount arithmetic overflowed 256 bits"
        case .underflow: "amount arithmetic went below zero"
        case .divisionByZero: "division by zero"
        case .invalidFormat(let text): "\"\(text)\" is not a plain decimal amount (digits, optionally one point followed by digits)"
        case .tooManyDecimals(let text, let allowed): "amount \(text) has more than \(allowed) fraction digits"
        case .decimalsMismatch: "amounts with different decimals cannot be combined"
        }
    }

    /// `code: message`, as printed in logs.
    ///
    /// ```swift
    /// "\(AmountError.overflow)"   // "overflow: amount arithmetic overflowed 256 bits"
    /// ```
    public var description: String { "\(code): \(message)" }
}
