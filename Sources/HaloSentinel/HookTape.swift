import Foundation
import HaloArtifacts
import LuaSandbox

/// What one hook call returned, in a form the journal keeps, so a restart replays the
/// Sentinel's decisions without calling Lua again. Replay is exact even when a hook's
/// outcome depended on the wall clock (a timeout) or on a policy file that has since changed.
public struct HookOutcome: Sendable {
    /// The hook's name.
    public var hook: String
    /// Raw results (nil when the call failed).
    public var results: [LuaValue]?
    /// The policy state after the call (success only).
    public var state: LuaTable?
    /// The failure, when the call failed.
    public var failure: PolicyFailure?

    /// The journal form.
    public func json() -> JSONValue {
        var pairs: [(String, JSONValue)] = [("hook", .string(hook))]
        if let results { pairs.append(("results", .array(results.map(HookOutcome.encode)))) }
        if let state { pairs.append(("state", HookOutcome.encode(.table(state)))) }
        if let failure {
            pairs.append(("failure", .object([("code", .string(failure.code)), ("message", .string(failure.message)),
                                              ("location", failure.location.map { .string($0) } ?? .null)])))
        }
        return .object(pairs)
    }

    /// Reads the journal form back.
    public init?(json: JSONValue) {
        guard case .string(let hook)? = json["hook"] else { return nil }
        self.hook = hook
        if case .array(let values)? = json["results"] { results = values.map(HookOutcome.decode) }
        if let state = json["state"], case .table(let table) = HookOutcome.decode(state) { self.state = table }
        if let failure = json["failure"], case .string(let code)? = failure["code"], case .string(let message)? = failure["message"] {
            var location: String?
            if case .string(let text)? = failure["location"] { location = text }
            self.failure = PolicyFailure(code: code, message: message, location: location)
        }
    }

    init(hook: String, results: [LuaValue]?, state: LuaTable?, failure: PolicyFailure?) {
        self.hook = hook
        self.results = results
        self.state = state
        self.failure = failure
    }

    /// Lossless: integers, floats (bit pattern), strings, booleans, userdata bytes, ordered tables.
    static func encode(_ value: LuaValue) -> JSONValue {
        switch value {
        case .nil: return .null
        case .boolean(let flag): return .bool(flag)
        case .integer(let number): return .int(number)
        case .number(let float): return .object([("f", .string(String(float.bitPattern, radix: 16)))])
        case .string(let text): return .string(text)
        case .userdata(let userdata):
            return .object([("u", .string(userdata.typeName)), ("b", .string(userdata.bytes.map { String(format: "%02x", $0) }.joined()))])
        case .table(let table):
            return .object([("t", .array(table.entries.map { .array([encode($0.key), encode($0.value)]) }))])
        default:
            return .object([("fn", .bool(true))])
        }
    }

    static func decode(_ json: JSONValue) -> LuaValue {
        switch json {
        case .null: return .nil
        case .bool(let flag): return .boolean(flag)
        case .int(let number): return .integer(number)
        case .string(let text): return .string(text)
        case .array: return .nil
        case .object:
            if case .string(let bits)? = json["f"], let pattern = UInt64(bits, radix: 16) { return .number(Double(bitPattern: pattern)) }
            if case .string(let type)? = json["u"], case .string(let hex)? = json["b"] {
                var bytes: [UInt8] = []
                var index = hex.startIndex
                while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex),
                      let byte = UInt8(hex[index..<next], radix: 16) {
                    bytes.append(byte)
                    index = next
                }
                return .userdata(LuaUserdata(typeName: type, bytes: bytes))
            }
            if case .array(let entries)? = json["t"] {
                var table = LuaTable()
                for entry in entries {
                    guard case .array(let pair) = entry, pair.count == 2 else { continue }
                    table.set(decode(pair[0]), decode(pair[1]))
                }
                return .table(table)
            }
            return .function
        }
    }
}
