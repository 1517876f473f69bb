/// A Lua value crossing the sandbox boundary.
///
/// Values going in are pushed by C under `lua_pcall`; values coming out are read without
/// invoking metamethods, bounded in depth (32) and size (200,000 elements).
///
/// ```swift
/// let ctx: LuaValue = .table(LuaTable(dictionary: ["time": .integer(1_700_000_000)], frozen: true))
/// ```
// Not `indirect`: tables hold their entries in an array, which already gives the recursion
// its indirection, and boxing every value cost an allocation per host-call argument and result.
public enum LuaValue: Sendable, Hashable {
    /// `nil`.
    case `nil`
    /// A boolean.
    case boolean(Bool)
    /// An integer (Lua 5.4 subtype).
    case integer(Int64)
    /// A float.
    case number(Double)
    /// A string (Lua bytes decoded as UTF-8, invalid sequences replaced).
    case string(String)
    /// A table, copied.
    case table(LuaTable)
    /// A userdata of a registered type, its payload copied.
    case userdata(LuaUserdata)
    /// A value kept in the sandbox's registry (push only; e.g. the writable state store).
    case reference(LuaReference)
    /// A function, thread or foreign userdata: opaque, out only (pushed as `nil`).
    case function

    /// The string, if this is one.
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The integer, if this is one (floats with an integral value included).
    public var integerValue: Int64? {
        switch self {
        case .integer(let i): i
        case .number(let d): Int64(exactly: d)
        default: nil
        }
    }
    /// The number as a `Double`, if this is a number.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }
    /// The boolean, if this is one.
    public var booleanValue: Bool? { if case .boolean(let b) = self { b } else { nil } }
    /// The table, if this is one.
    public var tableValue: LuaTable? { if case .table(let t) = self { t } else { nil } }
    /// The userdata, if this is one.
    public var userdataValue: LuaUserdata? { if case .userdata(let u) = self { u } else { nil } }
    /// Whether this is `nil`.
    public var isNil: Bool { if case .nil = self { true } else { false } }
}

extension LuaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    /// `"text"` as a Lua string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// `42` as a Lua integer.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// `1.5` as a Lua float.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// `true` as a Lua boolean.
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    /// `nil` as Lua `nil`.
    public init(nilLiteral: ()) { self = .nil }
}
