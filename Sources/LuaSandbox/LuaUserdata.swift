/// A userdata of a type registered with ``LuaSandbox/registerUserdataType(name:payloadSize:metamethods:methods:)``:
/// its type name and plain-bytes payload.
///
/// ```swift
/// let cents = LuaUserdata(typeName: "money", bytes: withUnsafeBytes(of: Int64(150)) { Array($0) })
/// ```
public struct LuaUserdata: Sendable, Hashable {
    /// The registered type name.
    public var typeName: String
    /// The payload (exactly the registered payload size when pushed).
    public var bytes: [UInt8]

    /// Creates a userdata value.
    public init(typeName: String, bytes: [UInt8]) {
        self.typeName = typeName
        self.bytes = bytes
    }
}
