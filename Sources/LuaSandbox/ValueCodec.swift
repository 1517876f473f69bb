import LuaShim

/// Writes values in the shim's buffer format (see `lua_shim.h`, HALO_TAG_*).
///
/// The buffer is raw memory grown by doubling and written with unaligned stores: a ctx of
/// about 3 KB is encoded on every policy call, so the encoder does no per-byte bounds or
/// uniqueness checks and no retain/release of the dictionary it looks types up in.
/// Noncopyable: it owns its buffer and frees it in `deinit`.
@usableFromInline
struct ValueEncoder: ~Copyable {
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    /// Bytes written since the last ``reset()``.
    @usableFromInline var count = 0
    let owner: UInt64
    /// The last userdata type looked up: results of host functions are nearly always the
    /// same type, and comparing a short name is cheaper than hashing it.
    private var lastTypeName = ""
    private var lastTypeID: Int32 = -1
    /// References written so far (a table that holds one is flagged HALO_TABLE_HAS_REF).
    private var references = 0

    /// An empty encoder with room for `capacity` bytes (at least 64) before it first grows.
    @usableFromInline init(owner: UInt64, capacity: Int = 4096) {
        self.owner = owner
        self.capacity = Swift.max(64, capacity)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    @inlinable deinit { base.deallocate() }

    mutating func reset() { count = 0 }

    /// The bytes written so far: valid until the next write or ``reset()``. Handed to C as a
    /// pointer rather than through a closure, so no access to the encoder stays open while C
    /// runs (a host function that tries to re-enter the sandbox must get its refusal, not a
    /// Swift exclusivity trap).
    var buffer: (start: UnsafePointer<UInt8>, count: Int) {
        (UnsafePointer(base.assumingMemoryBound(to: UInt8.self)), count)
    }

    /// A copy of the bytes written so far.
    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: base, count: count)) }

    @inlinable @inline(__always) mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(extra) }
    }

    @usableFromInline @inline(never) mutating func grow(_ extra: Int) {
        var newCapacity = capacity * 2
        while newCapacity < count + extra { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inlinable @inline(__always) mutating func tag(_ t: Int) {
        reserve(1)
        base.storeBytes(of: UInt8(truncatingIfNeeded: t), toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inlinable @inline(__always) mutating func put<T: BitwiseCopyable>(_ value: T) {
        reserve(MemoryLayout<T>.size)
        base.storeBytes(of: value, toByteOffset: count, as: T.self)  // unaligned stores are allowed
        count += MemoryLayout<T>.size
    }

    @inlinable @inline(__always) mutating func putBytes(_ raw: UnsafeRawBufferPointer) {
        reserve(4 + raw.count)
        base.storeBytes(of: UInt32(raw.count), toByteOffset: count, as: UInt32.self)
        count += 4
        if let source = raw.baseAddress, raw.count > 0 {
            (base + count).copyMemory(from: source, byteCount: raw.count)
            count += raw.count
        }
    }

    mutating func encode(
        _ value: LuaValue, frozen: Bool = false, types: borrowing [String: Int32], depth: Int = 0
    ) throws(SandboxError) {
        switch value {
        case .nil, .function: tag(HALO_TAG_NIL)
        case .boolean(let b): tag(b ? HALO_TAG_TRUE : HALO_TAG_FALSE)
        case .integer(let i):
            tag(HALO_TAG_INT)
            put(i)
        case .number(let d):
            tag(HALO_TAG_NUM)
            put(d)
        case .string(var s):
            tag(HALO_TAG_STR)
            s.withUTF8 { putBytes(UnsafeRawBufferPointer($0)) }
        case .table(let table):
            guard depth < 32 else {
                throw SandboxError(code: .policyError, message: "value nested deeper than 32 tables")
            }
            try encode(table: table, frozen: frozen || table.frozen, types: types, depth: depth)
        case .userdata(let u):
            let type: Int32
            if lastTypeID >= 0, u.typeName == lastTypeName {
                type = lastTypeID
            } else {
                guard let found = types[u.typeName] else {
                    throw SandboxError(code: .policyError, message: "unknown userdata type '\(u.typeName)'")
                }
                type = found
                lastTypeName = u.typeName
                lastTypeID = found
            }
            tag(HALO_TAG_UDATA)
            put(UInt32(bitPattern: type))
            u.bytes.withUnsafeBytes { putBytes($0) }
        case .reference(let r):
            guard r.owner == owner else {
                throw SandboxError(code: .policyError, message: "reference belongs to another sandbox")
            }
            tag(HALO_TAG_REF)
            put(r.id)
            references += 1
        }
    }

    /// Encodes `table` with one more entry, `key` = `value`, in place of any entry under `key`
    /// (a ctx and its `state`), without copying the table.
    mutating func encode(
        _ table: LuaTable, adding key: String, _ value: LuaValue, types: borrowing [String: Int32]
    ) throws(SandboxError) {
        try encode(table: table, frozen: table.frozen, types: types, depth: 0, adding: (.string(key), value))
    }

    private mutating func encode(
        table: LuaTable, frozen: Bool, types: borrowing [String: Int32], depth: Int,
        adding extra: (key: LuaValue, value: LuaValue)? = nil
    ) throws(SandboxError) {
        try table.entries.withUnsafeBufferPointer { (entries) throws(SandboxError) in
            var narr: UInt32 = 0
            for index in entries.indices { if case .integer = entries[index].key { narr += 1 } }
            let start = count
            let referencesBefore = references
            tag(HALO_TAG_TABLE)
            put(narr)
            put(UInt32(entries.count) - narr + (extra == nil ? 0 : 1))
            tag(frozen ? HALO_TABLE_FROZEN : 0)
            put(UInt32(0))  // the size, once known
            for index in entries.indices {
                if case .nil = entries[index].value { continue }
                if case .nil = entries[index].key { continue }
                if let extra, entries[index].key == extra.key { continue }
                try encode(entries[index].key, frozen: frozen, types: types, depth: depth + 1)
                try encode(entries[index].value, frozen: frozen, types: types, depth: depth + 1)
            }
            if let extra {
                try encode(extra.key, frozen: frozen, types: types, depth: depth + 1)
                try encode(extra.value, frozen: frozen, types: types, depth: depth + 1)
            }
            tag(HALO_TAG_END)
            // The header's last fields: the bytes after it (so C steps over the table without
            // walking it) and whether a reference is inside (which C must resolve at once).
            let size = UInt32(count - start - Int(HALO_TABLE_HEADER))
            base.storeBytes(of: size, toByteOffset: start + 10, as: UInt32.self)
            if references != referencesBefore {
                base.storeBytes(of: UInt8(HALO_TABLE_FROZEN * (frozen ? 1 : 0) + HALO_TABLE_HAS_REF), toByteOffset: start + 9, as: UInt8.self)
            }
        }
    }
}

// The pieces ``LuaTableWriter`` builds a table from, in the same format `encode` writes.
extension ValueEncoder {
    /// Writes a table header with zero counts and size; returns where it starts, for ``closeTable(at:narr:nrec:)``.
    @inlinable mutating func openTable(frozen: Bool) -> Int {
        let start = count
        tag(HALO_TAG_TABLE)
        put(UInt32(0))
        put(UInt32(0))
        tag(frozen ? HALO_TABLE_FROZEN : 0)
        put(UInt32(0))
        return start
    }

    /// Ends the table opened at `start`: END, then its counts and byte size in the header.
    @inlinable mutating func closeTable(at start: Int, narr: UInt32, nrec: UInt32) {
        tag(HALO_TAG_END)
        base.storeBytes(of: narr, toByteOffset: start + 1, as: UInt32.self)
        base.storeBytes(of: nrec, toByteOffset: start + 5, as: UInt32.self)
        base.storeBytes(of: UInt32(count - start - Int(HALO_TABLE_HEADER)), toByteOffset: start + 10, as: UInt32.self)
    }

    @inlinable mutating func writeInteger(_ value: Int64) {
        tag(HALO_TAG_INT)
        put(value)
    }

    @inlinable mutating func writeBoolean(_ value: Bool) { tag(value ? HALO_TAG_TRUE : HALO_TAG_FALSE) }

    @inlinable mutating func writeString(_ value: String) {
        tag(HALO_TAG_STR)
        // why: a field name is nearly always a literal, whose UTF-8 is contiguous: no copy of
        // the String, no check for a bridged or non-UTF-8 one on the way.
        if let done: Void = value.utf8.withContiguousStorageIfAvailable({ putBytes(UnsafeRawBufferPointer($0)) }) {
            return done
        }
        var text = value
        text.withUTF8 { putBytes(UnsafeRawBufferPointer($0)) }
    }

    /// A userdata of type `type` whose payload `fill` writes into `size` bytes.
    @inlinable mutating func writeUserdata(type: Int32, size: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) {
        tag(HALO_TAG_UDATA)
        put(UInt32(bitPattern: type))
        put(UInt32(size))
        reserve(size)
        fill(UnsafeMutableRawBufferPointer(start: base + count, count: size))
        count += size
    }

    /// A ctx table already encoded (one HALO_TAG_TABLE value, as ``LuaTableWriter`` writes
    /// it) with one more entry, `key` = `reference`, before its END: the header's record
    /// count, size and reference flag are updated to match.
    mutating func encode(context raw: UnsafeRawBufferPointer, adding key: String, _ reference: LuaReference) {
        let start = count
        writeRaw(UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 1)]))
        writeString(key)
        tag(HALO_TAG_REF)
        put(reference.id)
        references += 1
        tag(HALO_TAG_END)
        let nrec = base.loadUnaligned(fromByteOffset: start + 5, as: UInt32.self)
        base.storeBytes(of: nrec + 1, toByteOffset: start + 5, as: UInt32.self)
        let flags = base.load(fromByteOffset: start + 9, as: UInt8.self)
        base.storeBytes(of: flags | UInt8(HALO_TABLE_HAS_REF), toByteOffset: start + 9, as: UInt8.self)
        base.storeBytes(of: UInt32(count - start - Int(HALO_TABLE_HEADER)), toByteOffset: start + 10, as: UInt32.self)
    }

    /// Bytes already in this format (a fragment another writer made), copied as they are.
    mutating func writeRaw(_ raw: UnsafeRawBufferPointer) {
        guard let source = raw.baseAddress, raw.count > 0 else { return }
        reserve(raw.count)
        (base + count).copyMemory(from: source, byteCount: raw.count)
        count += raw.count
    }
}

/// Reads values the shim serialised.
struct ValueDecoder {
    let buffer: UnsafeRawBufferPointer
    var offset = 0
    let typeNames: [String]

    init(_ buffer: UnsafeRawBufferPointer, typeNames: [String]) {
        self.buffer = buffer
        self.typeNames = typeNames
    }

    private mutating func load<T>(_: T.Type) -> T {
        let value = buffer.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return value
    }

    private mutating func bytes(_ count: Int) -> UnsafeRawBufferPointer {
        let slice = UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
        offset += count
        return slice
    }

    mutating func next() -> LuaValue {
        guard offset < buffer.count else { return .nil }
        let t = Int(load(UInt8.self))
        switch t {
        case HALO_TAG_FALSE: return .boolean(false)
        case HALO_TAG_TRUE: return .boolean(true)
        case HALO_TAG_INT: return .integer(load(Int64.self))
        case HALO_TAG_NUM: return .number(load(Double.self))
        case HALO_TAG_STR:
            let count = Int(load(UInt32.self))
            return .string(String(decoding: bytes(count), as: UTF8.self))
        case HALO_TAG_TABLE:
            let narr = Int(load(UInt32.self))
            let nrec = Int(load(UInt32.self))
            let frozen = Int(load(UInt8.self)) & HALO_TABLE_FROZEN != 0
            _ = load(UInt32.self)  // the size: this reader walks the entries anyway
            var entries: [LuaTable.Entry] = []
            entries.reserveCapacity(narr + nrec)
            while offset < buffer.count, buffer[offset] != UInt8(HALO_TAG_END) {
                let key = next()
                entries.append(LuaTable.Entry(key: key, value: next()))
            }
            offset += 1
            return .table(LuaTable(entries: entries, frozen: frozen))
        case HALO_TAG_UDATA:
            let type = Int(load(UInt32.self))
            let count = Int(load(UInt32.self))
            let payload = Array(bytes(count))
            return .userdata(LuaUserdata(typeName: type < typeNames.count ? typeNames[type] : "?", bytes: payload))
        case HALO_TAG_OPAQUE: return .function
        default: return .nil
        }
    }
}
