import HaloArtifacts
import LuaSandbox

/// The per-Unit key/value store a policy writes through `ctx.state`.
///
/// It holds plain data only (strings, integers, booleans, nested tables), so it can be
/// journaled, printed and carried across reloads and restarts. Amounts and floats written
/// into it are kept as their exact decimal text; functions and other userdata are refused.
enum StateStore {
    /// Largest state, in bytes of its JSON form.
    static let maxBytes = 64 * 1024
    static let maxDepth = 8

    /// A copy of `table` with only plain data, or a bad decision saying what is not.
    static func sanitize(_ table: LuaTable) throws(PolicyFailure) -> LuaTable {
        let clean = try sanitize(table, depth: 0, path: "ctx.state")
        let size = json(clean).serialized().utf8.count
        guard size <= maxBytes else { throw .bad("ctx.state holds \(size) bytes; at most \(maxBytes)") }
        return clean
    }

    private static func sanitize(_ table: LuaTable, depth: Int, path: String) throws(PolicyFailure) -> LuaTable {
        guard depth < maxDepth else { throw .bad("\(path) is nested deeper than \(maxDepth)") }
        var result = LuaTable()
        for (key, value) in table.pairs {
            let name: String
            switch key {
            case .string(let text): name = text
            case .integer(let index): name = String(index)
            default: throw .bad("\(path) has a key that is \(LuaValueDescription.typeName(key)); use strings or integers")
            }
            let clean: LuaValue
            switch value {
            case .string, .integer, .boolean: clean = value
            case .number(let float): clean = .string("\(float)")
            case .userdata(let userdata):
                guard let amount = AmountBinding.amount(fromPayload: userdata.bytes) else {
                    throw .bad("\(path).\(name) holds a userdata; state keeps plain data only")
                }
                clean = .string(amount.description)
            case .table(let nested): clean = .table(try sanitize(nested, depth: depth + 1, path: "\(path).\(name)"))
            default: throw .bad("\(path).\(name) holds \(LuaValueDescription.typeName(value)); state keeps plain data only")
            }
            result.set(key, clean)
        }
        return result
    }

    /// The JSON form (keys sorted, so equal states print equal bytes).
    static func json(_ table: LuaTable) -> JSONValue {
        if !table.entries.isEmpty, let items = DecisionValidator.sequence(table) { return .array(items.map(json)) }
        var pairs: [(String, JSONValue)] = []
        for (key, value) in table.pairs {
            let name: String
            switch key {
            case .string(let text): name = text
            case .integer(let index): name = String(index)
            default: continue
            }
            pairs.append((name, json(value)))
        }
        pairs.sort { $0.0 < $1.0 }
        return .object(pairs)
    }

    static func json(_ value: LuaValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .integer(let number): return .int(number)
        case .boolean(let flag): return .bool(flag)
        case .table(let table): return json(table)
        default: return .null
        }
    }

    /// The state a fixture or journal declares, as a Lua table.
    static func table(from fields: [ReportField]) -> LuaTable {
        var table = LuaTable()
        for field in fields { table.set(.string(field.name), writable(field.value)) }
        return table
    }

    private static func writable(_ value: ReportValue) -> LuaValue {
        switch value {
        case .amount(let amount): return .string(amount.description)
        case .text(let text): return .string(text)
        case .bool(let flag): return .boolean(flag)
        case .list(let values):
            var table = LuaTable()
            for (index, item) in values.enumerated() { table.set(.integer(Int64(index + 1)), writable(item)) }
            return .table(table)
        case .record(let fields): return .table(self.table(from: fields))
        }
    }

    /// The state from its JSON form.
    static func table(from json: JSONValue) -> LuaTable {
        var table = LuaTable()
        guard case .object(let pairs) = json else { return table }
        for (key, value) in pairs { table.set(.string(key), luaValue(value)) }
        return table
    }

    private static func luaValue(_ json: JSONValue) -> LuaValue {
        switch json {
        case .null: return .nil
        case .bool(let flag): return .boolean(flag)
        case .int(let number): return .integer(number)
        case .string(let text): return .string(text)
        case .array(let values):
            var table = LuaTable()
            for (index, value) in values.enumerated() { table.set(.integer(Int64(index + 1)), luaValue(value)) }
            return .table(table)
        case .object: return .table(table(from: json))
        }
    }
}
