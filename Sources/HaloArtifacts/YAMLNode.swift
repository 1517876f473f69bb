import HaloCore
import Yams

/// A YAML node that knows where it came from, so every error names file, line and field.
///
/// Accessors throw ``ArtifactError`` with the node's code (`artifact-invalid` for artifacts,
/// `fixture-invalid` for fixtures and feeds).
///
/// ```swift
/// let root = try YAMLNode.parse(text, file: "unit.yaml", code: .artifactInvalid)
/// let name = try root.required("unit").string()
/// ```
public struct YAMLNode {
    /// What the node reads from: a YAML document, or JSON already parsed (feed events and
    /// journal records, where building Yams nodes would cost more than the rest of the work).
    enum Storage {
        case yaml(Node)
        case json(JSONValue)
    }

    let storage: Storage
    /// The file the node was read from.
    public let file: String
    /// The dotted path of this node from the document root.
    public let path: String
    /// The error code used for problems in this document.
    public let code: ArtifactErrorCode
    /// The line of the key this node is the value of, when it is one: an error about a value
    /// names its key's line, which for a block value (`rate_limit:` then an indented
    /// mapping) is not the line the value starts on.
    let keyLine: Int?
    /// JSON only: refuse a JSON number where an amount or a rate is read (intake of feed
    /// lines and events); false for events read back from a journal, which were accepted once.
    let decimalStringsOnly: Bool

    init(node: Node, file: String, path: String, code: ArtifactErrorCode, keyLine: Int? = nil) {
        self.storage = .yaml(node)
        self.file = file
        self.path = path
        self.code = code
        self.keyLine = keyLine
        self.decimalStringsOnly = false
    }

    /// A node over parsed JSON. `decimalStringsOnly`: amounts and rates must be JSON strings
    /// (see ``decimalText(_:)``), as for new events; false reads a JSON integer as its digits.
    public init(json: JSONValue, file: String, path: String = "", code: ArtifactErrorCode, decimalStringsOnly: Bool = false) {
        self.storage = .json(json)
        self.file = file
        self.path = path
        self.code = code
        self.keyLine = nil
        self.decimalStringsOnly = decimalStringsOnly
    }

    /// Parses one YAML (or JSON) document, within ``YAMLBounds`` (depth and expanded size,
    /// aliases counted as what they name): a document over them is refused with `code` and
    /// the line where it crosses the bound.
    public static func parse(_ text: String, file: String, code: ArtifactErrorCode) throws(ArtifactError) -> YAMLNode {
        try YAMLBounds.check(text, file: file, code: code)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ArtifactError(code, file: file, line: Self.line(of: error), field: nil, Self.describe(error))
        } catch {
            throw ArtifactError(code, file: file, line: nil, field: nil, "cannot parse: \(error)")
        }
        guard let root else {
            throw ArtifactError(code, file: file, line: 1, field: nil, "the document is empty")
        }
        return YAMLNode(node: root, file: file, path: "", code: code)
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        case .duplicatedKeysInMapping(_, let context):
            return context.mark.line
        default:
            return nil
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            if let context { return "YAML syntax: \(problem) (\(context.text))" }
            return "YAML syntax: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate keys: \(duplicates.joined(separator: ", "))"
        default:
            return "YAML: \(error)"
        }
    }

    /// The 1-based line of this node: the line of its key when it is a mapping value (the
    /// one place a line is computed from a node, so every error names its key's line).
    public var line: Int? {
        if let keyLine { return keyLine }
        if case .yaml(let node) = storage { return node.mark?.line }
        return nil
    }

    /// An error located at this node.
    public func error(_ message: String, code override: ArtifactErrorCode? = nil) -> ArtifactError {
        ArtifactError(override ?? code, file: file, line: line, field: path.isEmpty ? nil : path, message)
    }

    private func childPath(_ component: String) -> String {
        if component.hasPrefix("[") { return path + component }
        return path.isEmpty ? component : path + "." + component
    }

    private func child(_ node: Node, _ component: String, key: Node? = nil) -> YAMLNode {
        YAMLNode(node: node, file: file, path: childPath(component), code: code, keyLine: key?.mark?.line)
    }

    private func child(_ json: JSONValue, _ component: String) -> YAMLNode {
        YAMLNode(json: json, file: file, path: childPath(component), code: code, decimalStringsOnly: decimalStringsOnly)
    }

    // MARK: Shape

    /// True for a mapping node.
    public var isMapping: Bool {
        switch storage {
        case .yaml(let node): return node.mapping != nil
        case .json(let json): if case .object = json { return true } else { return false }
        }
    }
    /// True for a sequence node.
    public var isSequence: Bool {
        switch storage {
        case .yaml(let node): return node.sequence != nil
        case .json(let json): if case .array = json { return true } else { return false }
        }
    }
    /// True for a single value (not a mapping or a list).
    public var isScalar: Bool { !isMapping && !isSequence }
    /// True for an explicit null (`~`, `null`, or an empty value).
    public var isNull: Bool {
        switch storage {
        case .yaml(let node):
            guard let scalar = node.scalar else { return false }
            return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        case .json(let json):
            return json == .null
        }
    }

    /// The entries of a mapping, in document order, keys as strings.
    public func entries() throws(ArtifactError) -> [(key: String, value: YAMLNode)] {
        if case .json(let json) = storage {
            guard case .object(let pairs) = json else {
                if isNull { return [] }
                throw error("expected a mapping, found \(kindName)")
            }
            return pairs.map { ($0.0, child($0.1, $0.0)) }
        }
        guard case .yaml(let node) = storage, let mapping = node.mapping else {
            if isNull { return [] }
            throw error("expected a mapping, found \(kindName)")
        }
        var result: [(key: String, value: YAMLNode)] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                throw YAMLNode(node: key, file: file, path: path, code: code).error("mapping keys must be plain strings")
            }
            result.append((name, child(value, name, key: key)))
        }
        return result
    }

    /// The items of a sequence.
    public func items() throws(ArtifactError) -> [YAMLNode] {
        if case .json(let json) = storage {
            guard case .array(let values) = json else {
                if isNull { return [] }
                throw error("expected a list, found \(kindName)")
            }
            return values.enumerated().map { child($0.element, "[\($0.offset)]") }
        }
        guard case .yaml(let node) = storage, let sequence = node.sequence else {
            if isNull { return [] }
            throw error("expected a list, found \(kindName)")
        }
        return sequence.enumerated().map { child($0.element, "[\($0.offset)]") }
    }

    /// Refuses keys outside `allowed`, so a typo is an error rather than a silent default.
    public func allowOnly(_ allowed: Set<String>) throws(ArtifactError) {
        for (key, value) in try entries() where !allowed.contains(key) {
            let known = allowed.sorted().joined(separator: ", ")
            throw value.error("unknown field '\(key)' (known: \(known))")
        }
    }

    /// The value of `key`, or nil when absent or null.
    public func optional(_ key: String) throws(ArtifactError) -> YAMLNode? {
        if case .json(let json) = storage {
            guard case .object(let pairs) = json else {
                if isNull { return nil }
                throw error("expected a mapping, found \(kindName)")
            }
            guard let value = pairs.first(where: { $0.0 == key })?.1, value != .null else { return nil }
            return child(value, key)
        }
        guard case .yaml(let node) = storage, let mapping = node.mapping else {
            if isNull { return nil }
            throw error("expected a mapping, found \(kindName)")
        }
        // A plain scan: Yams' `mapping[key]` builds a node and resolves tags with regular
        // expressions for every lookup, which dominated parsing feeds and journals.
        guard let pair = mapping.first(where: { $0.key.scalar?.string == key }) else { return nil }
        let result = child(pair.value, key, key: pair.key)
        return result.isNull ? nil : result
    }

    /// The value of `key`; a missing key is an error naming it.
    public func required(_ key: String) throws(ArtifactError) -> YAMLNode {
        if let value = try optional(key) { return value }
        let where_ = path.isEmpty ? "" : " in \(path)"
        throw ArtifactError(code, file: file, line: line, field: path.isEmpty ? key : path + "." + key,
                            "missing required field '\(key)'\(where_)")
    }

    var kindName: String {
        let node: Node
        switch storage {
        case .yaml(let yaml): node = yaml
        case .json(let json):
            switch json {
            case .object: return "a mapping"
            case .array: return "a list"
            case .null: return "null"
            default: return "'\((try? string()) ?? "")'"
            }
        }
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar): return "'\(scalar.string)'"
        case .alias: return "an alias"
        }
    }

    // MARK: Scalars

    /// The scalar text of this node.
    public func string() throws(ArtifactError) -> String {
        switch storage {
        case .yaml(let node):
            guard let scalar = node.scalar else { throw error("expected a value, found \(kindName)") }
            return scalar.string
        case .json(let json):
            switch json {
            case .string(let text): return text
            case .int(let number): return String(number)
            case .bool(let flag): return flag ? "true" : "false"
            case .null: return ""
            case .array, .object: throw error("expected a value, found \(kindName)")
            }
        }
    }

    /// A non-empty identifier-like string (names of accounts, units, assets, keys).
    public func name() throws(ArtifactError) -> String {
        let text = try string()
        let valid = text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A  // - _ . :
        }
        guard !text.isEmpty, valid else {
            throw error("'\(text)' is not a valid name (letters, digits, '-', '_', '.', ':')")
        }
        return text
    }

    /// An integer.
    public func int() throws(ArtifactError) -> Int {
        let text = try string()
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            throw error("expected a whole number, found '\(text)'")
        }
        return value
    }

    /// A boolean (`true`/`false`).
    public func bool() throws(ArtifactError) -> Bool {
        switch try string() {
        case "true", "True", "TRUE", "yes": return true
        case "false", "False", "FALSE", "no": return false
        case let other: throw error("expected true or false, found '\(other)'")
        }
    }

    /// The text of an amount or a rate. In JSON (feed lines, submitted and posted events) it
    /// must be a string: a JSON number is refused, as the product's JSON carries every amount
    /// and rate as a decimal string (a reader of numbers may already have rounded it). A YAML
    /// scalar is read as its text, quoted or not.
    func decimalText(_ what: String) throws(ArtifactError) -> String {
        if decimalStringsOnly, case .json(.int(let number)) = storage {
            throw error("\(what) is a JSON number; write it as a decimal string: \"\(number)\"")
        }
        return try string()
    }

    /// An exact token amount with `decimals` decimals ("1000", "0.98"); floats are read as their
    /// text; in JSON only a string (see ``decimalText(_:)``).
    public func amount(decimals: Int = 18) throws(ArtifactError) -> Amount {
        let text = try decimalText("an amount")
        do {
            return try Amount(parsing: text, decimals: decimals)
        } catch {
            throw self.error("'\(text)' is not an exact amount: \(error.message)")
        }
    }

    /// An exact WAD rate ("1", "0.98", "1.25").
    public func rate() throws(ArtifactError) -> Rate {
        let text = try decimalText("a rate")
        do {
            return try Rate(parsing: text)
        } catch {
            throw self.error("'\(text)' is not an exact rate: \(error.message)")
        }
    }

    /// A duration ("18h", "1d", "129600s", "250ms").
    public func timeSpan() throws(ArtifactError) -> TimeSpan {
        let text = try string()
        do {
            return try TimeSpan(parsing: text)
        } catch {
            throw self.error("'\(text)' is not a duration (use e.g. \"18h\", \"1d\", \"129600s\", \"250ms\")")
        }
    }

    /// An ISO-8601 UTC time ("2026-03-02T09:00:00Z").
    public func timestamp() throws(ArtifactError) -> Timestamp {
        let text = try string()
        do {
            return try Timestamp(iso8601: text)
        } catch {
            throw self.error("'\(text)' is not an ISO-8601 UTC time (e.g. \"2026-03-02T09:00:00Z\")")
        }
    }

    /// A list of names.
    public func names() throws(ArtifactError) -> [String] {
        var result: [String] = []
        for item in try items() { result.append(try item.name()) }
        return result
    }
}
