/// The stable codes of sandbox failures (see the product contract's error codes).
public enum SandboxErrorCode: String, Sendable {
    /// The instruction budget or the wall-time backstop ran out.
    case timeout = "sandbox-timeout"
    /// The memory cap was reached.
    case memory = "sandbox-memory"
    /// The script reached a removed capability (io, os, debug, package, binary load,
    /// `string.dump`, `require` outside the roots, a write to a frozen table, `__gc`).
    case forbidden = "sandbox-forbidden"
    /// Any other runtime or syntax error of the policy.
    case policyError = "policy-error"
}

/// A failed load or call: a stable code, a human message and, when known, where.
///
/// ```swift
/// do { _ = try sandbox.call(policy, function: "settle", arguments: []) }
/// catch { print(error.code.rawValue, error.chunk ?? "?", error.line ?? 0) }
/// ```
public struct SandboxError: Error, Sendable, CustomStringConvertible {
    /// The stable code.
    public var code: SandboxErrorCode
    /// The message, without the `chunk:line:` prefix.
    public var message: String
    /// The chunk (file) name, e.g. `tbill.lua`.
    public var chunk: String?
    /// The line in ``chunk``.
    public var line: Int?

    /// Creates an error.
    public init(code: SandboxErrorCode, message: String, chunk: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.chunk = chunk
        self.line = line
    }

    /// `code: chunk:line: message`.
    public var description: String {
        var text = code.rawValue + ": "
        if let chunk { text += chunk + ":" + (line.map { String($0) + ": " } ?? " ") }
        return text + message
    }

    /// Builds an error from a Lua message, splitting off a leading `chunk:line: `.
    static func from(code: SandboxErrorCode, message raw: String, chunk: String?, line: Int?) -> SandboxError {
        var message = raw
        var chunk = chunk
        var line = line
        if let (parsedChunk, parsedLine, rest) = splitLocation(raw) {
            chunk = parsedChunk
            line = parsedLine
            message = rest
        }
        if message.hasPrefix("sandbox-forbidden: ") {
            message.removeFirst("sandbox-forbidden: ".count)
        }
        return SandboxError(code: code, message: message, chunk: chunk, line: line)
    }

    private static func splitLocation(_ text: String) -> (String, Int, String)? {
        var index = text.startIndex
        while let colon = text[index...].firstIndex(of: ":") {
            let digitsStart = text.index(after: colon)
            var digitsEnd = digitsStart
            while digitsEnd < text.endIndex, text[digitsEnd].isASCII, text[digitsEnd].isNumber {
                digitsEnd = text.index(after: digitsEnd)
            }
            if text[..<colon].contains(" ") { return nil }
            if digitsEnd > digitsStart, text[digitsEnd...].hasPrefix(": "), let line = Int(text[digitsStart..<digitsEnd]) {
                return (String(text[..<colon]), line, String(text[text.index(digitsEnd, offsetBy: 2)...]))
            }
            index = digitsStart
        }
        return nil
    }
}
