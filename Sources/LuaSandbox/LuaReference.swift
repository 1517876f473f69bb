/// A value kept alive in one sandbox's registry: a loaded policy, or a table made with
/// ``LuaSandbox/makeTable(_:)``. Valid until ``LuaSandbox/release(_:)``; only in the sandbox
/// that made it.
///
/// ```swift
/// let policy = try sandbox.load(source: text, chunkName: "tbill.lua")
/// defer { sandbox.release(policy) }
/// ```
public struct LuaReference: Sendable, Hashable {
    /// The registry slot.
    let id: Int32
    /// The registry slot of the policy's environment (0 when not a loaded policy).
    let environment: Int32
    /// The owning sandbox's serial number.
    let owner: UInt64
}
