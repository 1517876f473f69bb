import Yams

/// A strict RFC 8259 JSON parser into ``JSONValue`` (integers stay integers; other numbers
/// keep their text as strings, since nothing here may round through a float).
///
/// Used for feed lines, `halo submit` events and journal payloads, where Yams would be an
/// order of magnitude slower. The input is a Swift `String`, so it is valid UTF-8 by
/// construction (``FeedEvent/lines(of:)`` refuses bytes that are not). The parser:
/// - accepts exactly the RFC 8259 grammar: no comments, no trailing commas, no leading `+`,
///   `01`, `1.`, `.5`, `NaN`, byte order mark or raw control character in a string;
/// - refuses a `\u` escape that does not encode one Unicode scalar (a lone high or low
///   surrogate, or a high surrogate followed by anything but a low one);
/// - refuses duplicate keys in an object (keys compared as Swift strings, the same identity
///   ``JSONValue``'s lookups use);
/// - runs in time linear in the input (keys are checked through a hash set);
/// - stops at ``Limits``: nesting depth for every document, and for events also the size of
///   the text and the number of values (see docs/running.md, "Limits of a feed line").
///
/// ```swift
/// let value = try JSONParser.parse(#"{"unit":"tbill-a","n":3}"#)
/// value["unit"]   // .string("tbill-a")
/// ```
public struct JSONParser {
    /// Why a text is not JSON.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// Byte offset of the problem.
        public var offset: Int
        /// What is wrong.
        public var message: String
        public var description: String { "\(message) at byte \(offset + 1)" }
    }

    /// Bounds on one document, so hostile input costs bounded time, memory and stack.
    public struct Limits: Sendable {
        /// Largest text in bytes (UTF-8), or nil for no bound.
        public var maxBytes: Int?
        /// Deepest nesting of arrays and objects.
        public var maxDepth: Int
        /// Most values (scalars, arrays, objects, counted once each), or nil for no bound.
        public var maxValues: Int?

        /// Creates limits.
        public init(maxBytes: Int?, maxDepth: Int, maxValues: Int?) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxValues = maxValues
        }

        /// A feed line or a submitted event: 1 MiB, 64 levels, 100,000 values.
        public static let event = Limits(maxBytes: 1 << 20, maxDepth: 64, maxValues: 100_000)
        /// A document the runtime wrote itself (journal payloads, snapshots): 64 levels.
        public static let document = Limits(maxBytes: nil, maxDepth: 64, maxValues: nil)
    }

    private let bytes: [UInt8]
    private let limits: Limits
    private var index = 0
    private var depth = 0
    private var values = 0
    /// The default nesting bound.
    static let maxDepth = Limits.document.maxDepth

    private init(_ text: String, limits: Limits) {
        bytes = Array(text.utf8)
        self.limits = limits
    }

    /// Parses one JSON document; trailing non-space text is an error.
    public static func parse(_ text: String, limits: Limits = .document) throws(Failure) -> JSONValue {
        if let maxBytes = limits.maxBytes, text.utf8.count > maxBytes {
            throw Failure(offset: maxBytes, message: "longer than \(maxBytes) bytes")
        }
        var parser = JSONParser(text, limits: limits)
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.fail("unexpected text after the JSON value") }
        return value
    }

    private func fail(_ message: String) -> Failure { Failure(offset: index, message: message) }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func value() throws(Failure) -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        values += 1
        if let maxValues = limits.maxValues, values > maxValues { throw fail("more than \(maxValues) values") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), 0x30...0x39: return try number()
        default: throw fail("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail("unexpected character") }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for offset in 0..<count where bytes[index + offset] != expected[offset] { throw fail("unexpected character") }
        index += count
    }

    private func isDigit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= 0x30 && bytes[at] <= 0x39 }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, RFC 8259 section 6.
    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { throw fail("malformed number") }
        if bytes[index] == 0x30 {
            index += 1
            if isDigit(index) { throw fail("malformed number (leading zero)") }
        } else {
            while isDigit(index) { index += 1 }
        }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard isDigit(index) else { throw fail("malformed number") }
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { throw fail("malformed number") }
            while isDigit(index) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral, let value = Int64(text) { return .int(value) }
        // Not an Int64: keep the exact text (amounts are decimal strings anyway).
        return .string(text)
    }

    private mutating func string() throws(Failure) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escape, so the text is a slice of the (valid UTF-8) input.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: bytes[start..<index - 1], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw fail("control character in string") }
            index += 1
        }
        var result = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: result, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): result.append(0x22)
                case UInt8(ascii: "\\"): result.append(0x5C)
                case UInt8(ascii: "/"): result.append(0x2F)
                case UInt8(ascii: "b"): result.append(0x08)
                case UInt8(ascii: "f"): result.append(0x0C)
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "r"): result.append(0x0D)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "u"): try unicodeEscape(into: &result)
                default: throw fail("invalid escape")
                }
            default:
                guard byte >= 0x20 else { throw fail("control character in string") }
                result.append(byte)
                index += 1
            }
        }
        throw fail("unterminated string")
    }

    /// Reads the hex of a `\u` escape (the `\u` already consumed), and a second one when the
    /// first is a high surrogate; appends the scalar's UTF-8. Anything that does not encode
    /// one Unicode scalar is refused (RFC 8259 section 8.2: such text is not interoperable).
    private mutating func unicodeEscape(into result: inout [UInt8]) throws(Failure) {
        let first = try hex4()
        var scalar = first
        switch first {
        case 0xD800...0xDBFF:
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw fail("lone high surrogate in \\u escape")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("high surrogate not followed by a low surrogate") }
            scalar = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)
        case 0xDC00...0xDFFF:
            throw fail("lone low surrogate in \\u escape")
        default:
            break
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
        result.append(contentsOf: UTF8.encode(unicode)!)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw fail("invalid hex digit")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= limits.maxDepth else { throw fail("nested deeper than \(limits.maxDepth)") }
        index += 1
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        var values: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(values) }
        while true {
            skipSpace()
            values.append(try value())
            skipSpace()
            guard index < bytes.count else { throw fail("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(values) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        var pairs: [(String, JSONValue)] = []
        var keys = Set<String>()
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let keyStart = index
            let key = try string()
            guard keys.insert(key).inserted else {
                throw Failure(offset: keyStart, message: "duplicate key '\(key)'")
            }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipSpace()
            pairs.append((key, try value()))
            skipSpace()
            guard index < bytes.count else { throw fail("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
            throw fail("expected ',' or '}'")
        }
    }
}

/// Tags for nodes built from JSON, made once: creating a Yams `Tag` sets up a resolver and a
/// constructor, which cost more than the rest of turning an event into nodes.
private enum JSONTags {
    nonisolated(unsafe) static let null = Tag(.null)
    nonisolated(unsafe) static let bool = Tag(.bool)
    nonisolated(unsafe) static let int = Tag(.int)
    nonisolated(unsafe) static let str = Tag(.str)
    nonisolated(unsafe) static let seq = Tag(.seq)
    nonisolated(unsafe) static let map = Tag(.map)
}

extension JSONValue {
    /// The value as a Yams node, so the YAML step parser reads JSON events without libyaml.
    public var yamlNode: Node {
        switch self {
        case .null: return Node("null", JSONTags.null, .plain)
        case .bool(let flag): return Node(flag ? "true" : "false", JSONTags.bool, .plain)
        case .int(let number): return Node(String(number), JSONTags.int, .plain)
        case .string(let text): return Node(text, JSONTags.str, .doubleQuoted)
        case .array(let values): return Node(values.map(\.yamlNode), JSONTags.seq)
        case .object(let pairs): return Node(pairs.map { (Node($0.0, JSONTags.str, .plain), $0.1.yamlNode) }, JSONTags.map)
        }
    }
}
