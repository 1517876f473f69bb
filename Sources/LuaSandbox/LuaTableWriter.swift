import LuaShim

/// The userdata types of a sandbox, by name: what a ``LuaTableWriter`` needs to write a
/// userdata value the way that sandbox reads it. Two sandboxes that registered the same
/// types in the same order have equal `LuaUserdataTypes`, so one encoding serves both.
public struct LuaUserdataTypes: Sendable, Equatable {
    let ids: [String: Int32]

    /// The type's id, or nil when no type of that name is registered.
    public func id(_ name: String) -> Int32? { ids[name] }

    /// Names by id (gaps are empty names), as ``ValueDecoder`` wants them.
    var names: [String] {
        var result: [String] = []
        for (name, id) in ids {
            while result.count <= Int(id) { result.append("") }
            result[Int(id)] = name
        }
        return result
    }
}

/// A table written by ``LuaTableWriter``, ready to be handed to a policy as its ctx
/// (``LuaSandbox/call(_:function:encodedContext:state:extra:)``), in the sandbox's buffer format.
public struct EncodedLuaTable: Sendable {
    /// The bytes: one HALO_TAG_TABLE value.
    let bytes: [UInt8]
    /// The types its userdata values were written for.
    public let types: LuaUserdataTypes
    /// True when it has a top-level `state` key (refused as a call's ctx).
    let wroteState: Bool

    /// Its size in bytes.
    public var byteCount: Int { bytes.count }

    /// The same table as a ``LuaTable`` (for traces and tests; a call never needs it).
    public var table: LuaTable {
        bytes.withUnsafeBytes { raw in
            var decoder = ValueDecoder(raw, typeNames: types.names)
            guard case .table(let table) = decoder.next() else { return LuaTable() }
            return table
        }
    }
}

/// Entries written by a fragment ``LuaTableWriter``, to be copied into tables later
/// (``LuaTableWriter/append(_:)``): the part of many tables that is the same for all of them
/// is encoded once.
public struct LuaTableFragment: Sendable {
    let bytes: [UInt8]
    let narr: UInt32
    let nrec: UInt32
    /// The types its userdata values were written for.
    public let types: LuaUserdataTypes
    /// Its size in bytes (what ``LuaTableWriter/append(_:)`` copies).
    public var byteCount: Int { bytes.count }
}

/// Writes a Lua table straight into the buffer format a policy call hands to C: no
/// ``LuaTable`` tree, no ``LuaValue`` per field, no retain/release per value. A ctx is built
/// on every hook call, so this is the runtime's way to build one.
///
/// Keys are written in call order, which is the order `pairs` visits them in Lua. Every
/// table a writer opens is frozen (read-only in Lua) unless said otherwise. Nesting is at
/// most 32 tables, as for encoded ``LuaTable``s.
///
/// ```swift
/// var writer = LuaTableWriter(types: sandbox.userdataTypes)
/// writer.set("time", 1_772_629_200)
/// writer.openTable("assets")
/// writer.set("underlying", "USDS")
/// writer.closeTable()
/// let ctx = writer.finish()
/// ```
public struct LuaTableWriter: ~Copyable {
    /// A table opened and not closed yet: where its header is and what it counts so far.
    @usableFromInline struct Open {
        @usableFromInline var start: Int
        @usableFromInline var narr: UInt32 = 0
        @usableFromInline var nrec: UInt32 = 0
        @usableFromInline init(start: Int) { self.start = start }
    }

    @usableFromInline var encoder: ValueEncoder
    /// The innermost open table (kept out of ``outer``: every entry counts into it).
    @usableFromInline var current: Open
    /// The tables around ``current``, outermost first.
    @usableFromInline var outer: [Open] = []
    @usableFromInline let isFragment: Bool
    /// The types userdata values are written for.
    public let types: LuaUserdataTypes
    /// True once a top-level `state` key was written (a call's ctx must not have one).
    @usableFromInline var wroteState = false

    /// A writer of one table (frozen unless `frozen` is false), open for its first entry.
    /// `capacity`: the bytes to allocate up front; a writer that will hold more grows by
    /// doubling, copying what it holds, so a caller that knows its size (a Prime's ctx with a
    /// universe of many Units) saves those copies by saying so.
    public init(types: LuaUserdataTypes, frozen: Bool = true, capacity: Int = 4096) {
        self.types = types
        encoder = ValueEncoder(owner: 0, capacity: capacity)
        isFragment = false
        outer.reserveCapacity(8)
        current = Open(start: encoder.openTable(frozen: frozen))
    }

    /// A writer of entries without their table (see ``LuaTableFragment``).
    public init(fragmentFor types: LuaUserdataTypes, capacity: Int = 4096) {
        self.types = types
        encoder = ValueEncoder(owner: 0, capacity: capacity)
        isFragment = true
        current = Open(start: 0)
    }

    @inlinable @inline(__always) mutating func key(_ name: String) {
        if outer.isEmpty, !isFragment, name.utf8.count == 5, name == "state" { wroteState = true }
        current.nrec &+= 1
        encoder.writeString(name)
    }

    @inlinable @inline(__always) mutating func key(index: Int64) {
        current.narr &+= 1
        encoder.writeInteger(index)
    }

    /// `key` = an integer.
    @inlinable public mutating func set(_ key: String, _ value: Int64) {
        self.key(key)
        encoder.writeInteger(value)
    }

    /// `key` = a string.
    @inlinable public mutating func set(_ key: String, _ value: String) {
        self.key(key)
        encoder.writeString(value)
    }

    /// `key` = a boolean.
    @inlinable public mutating func set(_ key: String, _ value: Bool) {
        self.key(key)
        encoder.writeBoolean(value)
    }

    /// `key` = a userdata of type `type` (an id from ``types``) whose `size`-byte payload
    /// `fill` writes.
    @inlinable public mutating func set(_ key: String, userdata type: Int32, size: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) {
        self.key(key)
        encoder.writeUserdata(type: type, size: size, fill)
    }

    /// `index` = a userdata (a sequence element), as ``set(_:userdata:size:_:)``.
    @inlinable public mutating func set(index: Int64, userdata type: Int32, size: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) {
        key(index: index)
        encoder.writeUserdata(type: type, size: size, fill)
    }

    /// `key` = any value, encoded as a call encodes it (nested tables frozen when the open
    /// table is). Throws `policy-error` for a reference, an unknown userdata type or nesting
    /// deeper than 32.
    public mutating func set(_ key: String, _ value: LuaValue) throws(SandboxError) {
        if case .reference = value {
            throw SandboxError(code: .policyError, message: "a written table cannot hold a reference")
        }
        self.key(key)
        try encoder.encode(value, frozen: true, types: types.ids, depth: outer.count + 1)
    }

    /// `index` = any value (a sequence element), as ``set(_:_:)-(String,LuaValue)``.
    public mutating func set(index: Int64, _ value: LuaValue) throws(SandboxError) {
        if case .reference = value {
            throw SandboxError(code: .policyError, message: "a written table cannot hold a reference")
        }
        key(index: index)
        try encoder.encode(value, frozen: true, types: types.ids, depth: outer.count + 1)
    }

    /// Opens a frozen table under `key`; entries go into it until ``closeTable()``.
    @inlinable public mutating func openTable(_ key: String) {
        self.key(key)
        push()
    }

    /// Opens a frozen table at `index` (a sequence element).
    @inlinable public mutating func openTable(index: Int64) {
        key(index: index)
        push()
    }

    @inlinable @inline(__always) mutating func push() {
        precondition(outer.count < 31, "tables nested deeper than 32")
        outer.append(current)
        current = Open(start: encoder.openTable(frozen: true))
    }

    /// Closes the innermost open table.
    @inlinable public mutating func closeTable() {
        precondition(!outer.isEmpty, "closeTable without openTable")
        encoder.closeTable(at: current.start, narr: current.narr, nrec: current.nrec)
        current = outer.removeLast()
    }

    /// Copies a fragment's entries into the open table. The fragment must have been written
    /// for the same types (checked: a mismatch is a programming error).
    public mutating func append(_ fragment: LuaTableFragment) {
        precondition(fragment.types == types, "a fragment written for other userdata types")
        current.narr &+= fragment.narr
        current.nrec &+= fragment.nrec
        fragment.bytes.withUnsafeBytes { encoder.writeRaw($0) }
    }

    /// The finished table. Every table opened must be closed.
    public consuming func finish() -> EncodedLuaTable {
        precondition(!isFragment && outer.isEmpty, "finish with tables still open, or on a fragment writer")
        encoder.closeTable(at: current.start, narr: current.narr, nrec: current.nrec)
        return EncodedLuaTable(bytes: encoder.bytes, types: types, wroteState: wroteState)
    }

    /// The finished fragment.
    public consuming func finishFragment() -> LuaTableFragment {
        precondition(isFragment && outer.isEmpty, "finishFragment with tables still open, or on a table writer")
        return LuaTableFragment(bytes: encoder.bytes, narr: current.narr, nrec: current.nrec, types: types)
    }
}
