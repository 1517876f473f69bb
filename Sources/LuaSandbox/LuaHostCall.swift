import LuaShim

/// A Swift function callable from Lua. It reads its arguments from the call, sets
/// ``LuaHostCall/results``, or throws a ``LuaHostError`` that C raises in the script.
///
/// ```swift
/// let double: LuaHostFunction = { call in
///     guard let n = call.integer(1) else { throw LuaHostError("integer expected") }
///     call.results = [.integer(n * 2)]
/// }
/// ```
public typealias LuaHostFunction = (inout LuaHostCall) throws(LuaHostError) -> Void

/// One invocation of a host function: non-raising access to its arguments (1-based, as in
/// Lua) and the results C pushes after the function returns. Valid only during the call.
public struct LuaHostCall {
    let state: OpaquePointer
    let registry: HostRegistry

    /// Values returned to Lua, in order.
    public var results: [LuaValue] = []

    init(state: OpaquePointer, registry: HostRegistry) {
        self.state = state
        self.registry = registry
    }

    /// How many arguments Lua passed.
    public var argumentCount: Int { Int(halo_host_argument_count(state)) }

    /// Argument `index` (1-based) converted to a value; tables are copied (depth 32,
    /// 200,000 elements; deeper parts read as `nil`), metamethods are never invoked.
    public func argument(_ index: Int) -> LuaValue {
        halo_host_argument(state, Int32(index))
        var length = 0
        guard let data = halo_output(state, &length) else { return .nil }
        var decoder = ValueDecoder(UnsafeRawBufferPointer(start: data, count: length), typeNames: registry.typeNames)
        return decoder.next()
    }

    /// Argument `index` as a string, only if it is a Lua string (no number coercion).
    public func string(_ index: Int) -> String? {
        var length = 0
        guard let s = halo_host_string(state, Int32(index), &length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: s, count: length), as: UTF8.self)
    }

    /// Argument `index` as an integer, only if it is a Lua integer.
    public func integer(_ index: Int) -> Int64? {
        var value: Int64 = 0
        return halo_host_integer(state, Int32(index), &value) != 0 ? value : nil
    }

    /// Argument `index` as a number (integer or float).
    public func number(_ index: Int) -> Double? {
        var value = 0.0
        return halo_host_number(state, Int32(index), &value) != 0 ? value : nil
    }

    /// The payload of argument `index` if it is a userdata of registered type `type`.
    public func userdataPayload(_ index: Int, type: String) -> [UInt8]? {
        withUserdataPayload(index, type: type) { Array($0) }
    }

    /// Calls `body` with the payload bytes of argument `index` if it is a userdata of
    /// registered type `type`, without copying; returns `nil` otherwise.
    public func withUserdataPayload<R, E: Error>(
        _ index: Int, type: String, _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R? {
        guard let id = registry.typeID(of: type) else { return nil }
        var length = 0
        guard let data = halo_host_userdata(state, Int32(index), id, &length) else { return nil }
        return try body(UnsafeRawBufferPointer(start: data, count: length))
    }
}
