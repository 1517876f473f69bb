import HaloCore
import LuaSandbox

extension LuaTable {
    /// Appends `key = value`; the caller guarantees the key is new (building a fresh table),
    /// which keeps building a ctx of thousands of entries linear.
    mutating func set(_ key: String, _ value: LuaValue) {
        entries.append(Entry(key: .string(key), value: value))
    }

    /// Appends `key = value` for a fresh key.
    mutating func set(_ key: LuaValue, _ value: LuaValue) {
        entries.append(Entry(key: key, value: value))
    }

    /// The entries as (key, value) pairs.
    var pairs: [(LuaValue, LuaValue)] { entries.map { ($0.key, $0.value) } }
}

extension LuaTableWriter {
    /// `key` = a `halo.amount` of `units` base units with `decimals` decimals; `type` is
    /// ``AmountBinding/typeID(in:)`` for the writer's types.
    public mutating func set(_ key: String, amount units: UInt256, decimals: UInt8, type: Int32) {
        set(key, userdata: type, size: AmountBinding.payloadSize) { AmountBinding.store(units, decimals, into: $0) }
    }
}

extension LuaTableWriter {
    /// `index` = a `halo.amount` (a sequence element), as ``set(_:amount:decimals:type:)``.
    public mutating func set(index: Int64, amount units: UInt256, decimals: UInt8, type: Int32) {
        set(index: index, userdata: type, size: AmountBinding.payloadSize) { AmountBinding.store(units, decimals, into: $0) }
    }
}
