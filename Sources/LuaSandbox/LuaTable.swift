/// A Lua table as ordered key/value pairs (array part first when read from Lua).
///
/// Equality ignores the order of entries. A `frozen` table is pushed as a read-only proxy:
/// writes raise `sandbox-forbidden`, and tables nested inside it are frozen too.
///
/// ```swift
/// var ctx = LuaTable(dictionary: ["time": 100], frozen: true)
/// ctx["queues"] = .table(LuaTable(array: ["subscribe", "redeem"]))
/// ```
public struct LuaTable: Sendable, Hashable {
    /// One key/value pair.
    public struct Entry: Sendable, Hashable {
        /// The key (never `nil`).
        public var key: LuaValue
        /// The value.
        public var value: LuaValue
        /// Creates an entry.
        public init(key: LuaValue, value: LuaValue) {
            self.key = key
            self.value = value
        }
    }

    /// The pairs.
    public var entries: [Entry]
    /// Push as a read-only proxy (reading a proxy back gives `frozen == true`).
    public var frozen: Bool

    /// Creates a table from pairs.
    public init(entries: [Entry] = [], frozen: Bool = false) {
        self.entries = entries
        self.frozen = frozen
    }

    /// Creates a table from string keys, in sorted key order (deterministic).
    public init(dictionary: [String: LuaValue], frozen: Bool = false) {
        self.entries = dictionary.keys.sorted().map { Entry(key: .string($0), value: dictionary[$0]!) }
        self.frozen = frozen
    }

    /// Creates a sequence `{ values[0], values[1], ... }` with keys 1...n.
    public init(array: [LuaValue], frozen: Bool = false) {
        self.entries = array.enumerated().map { Entry(key: .integer(Int64($0.offset + 1)), value: $0.element) }
        self.frozen = frozen
    }

    /// The value under a key, or `nil`; setting `nil` removes the entry.
    public subscript(key: LuaValue) -> LuaValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue, !newValue.isNil { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue, !newValue.isNil {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }

    /// The value under a string key.
    public subscript(key: String) -> LuaValue? {
        get { self[.string(key)] }
        set { self[.string(key)] = newValue }
    }

    /// The sequence part: values under 1, 2, ... up to the first missing key.
    public var array: [LuaValue] {
        var result: [LuaValue] = []
        var lookup: [Int64: LuaValue] = [:]
        for entry in entries { if case .integer(let i) = entry.key { lookup[i] = entry.value } }
        var index: Int64 = 1
        while let value = lookup[index] {
            result.append(value)
            index += 1
        }
        return result
    }

    /// Order-independent equality.
    public static func == (lhs: LuaTable, rhs: LuaTable) -> Bool {
        guard lhs.frozen == rhs.frozen, lhs.entries.count == rhs.entries.count else { return false }
        var remaining = [LuaValue: LuaValue](minimumCapacity: rhs.entries.count)
        for entry in rhs.entries { remaining[entry.key] = entry.value }
        return lhs.entries.allSatisfy { remaining[$0.key] == $0.value }
    }

    /// Order-independent hash.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(frozen)
        hasher.combine(entries.count)
        var sum = 0
        for entry in entries { sum &+= entry.hashValue }
        hasher.combine(sum)
    }
}
