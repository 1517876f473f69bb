import LuaShim

/// Writes values in the shim's buffer format (see `lua_shim.h`, HALO_TAG_*).
struct ValueEncoder {
    var bytes: [UInt8] = []
    let owner: UInt64
    /// The last userdata type looked up: results of host functions are nearly always the
    /// same type, and comparing a short name is cheaper than hashing it.
    private var lastTypeName = ""
    private var lastTypeID: Int32 = -1

    init(owner: UInt64) {
        self.owner = owner
        bytes.reserveCapacity(1024)
    }

    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    private mutating func tag(_ t: Int) { bytes.append(UInt8(t)) }

    private mutating func put<T>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    private mutating func putBytes(_ raw: UnsafeRawBufferPointer) {
        put(UInt32(raw.count))
        bytes.append(contentsOf: raw)
    }

    mutating func encode(
        _ value: LuaValue, frozen: Bool = false, types: [String: Int32], depth: Int = 0
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
            let isFrozen = frozen || table.frozen
            tag(HALO_TAG_TABLE)
            var narr: UInt32 = 0
            for entry in table.entries { if case .integer = entry.key { narr += 1 } }
            put(narr)
            put(UInt32(table.entries.count) - narr)
            bytes.append(isFrozen ? 1 : 0)
            for entry in table.entries where !entry.value.isNil && !entry.key.isNil {
                try encode(entry.key, frozen: isFrozen, types: types, depth: depth + 1)
                try encode(entry.value, frozen: isFrozen, types: types, depth: depth + 1)
            }
            tag(HALO_TAG_END)
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
            put(UInt32(type))
            u.bytes.withUnsafeBytes { putBytes($0) }
        case .reference(let r):
            guard r.owner == owner else {
                throw SandboxError(code: .policyError, message: "reference belongs to another sandbox")
            }
            tag(HALO_TAG_REF)
            put(r.id)
        }
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
            let frozen = load(UInt8.self) != 0
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
