import HaloArtifacts
import HaloCore
import LuaSandbox

/// A policy in the sandbox with one required hook, for runtimes beside the Unit Sentinel
/// (a Prime's `allocate`): the same sandbox, budgets, `halo.amount` binding and stdlib as
/// every Unit policy, so a Prime policy is held to exactly the same rules.
///
/// ```swift
/// let policy = try SandboxedPolicy(file: "policies/primes/tbill-only.lua", limits: .standard,
///                                  stdlib: "stdlib", pin: nil, requiredHook: "allocate")
/// let (results, state) = try policy.call("allocate", context: ctx, state: LuaTable(), clock: now)
/// ```
public final class SandboxedPolicy {
    let host: PolicyHost

    /// The policy file.
    public var file: String { host.file }
    /// SHA-256 of the loaded source.
    public var sha256: String { host.sha256 }

    /// Loads `file` (pin verified) and requires the hook `requiredHook`.
    /// Errors: `policy-error`, `integrity-mismatch`, `sandbox-*`, `bad-decision` (hook missing).
    public init(file: String, limits: PolicyLimits, stdlib: String?, pin: String?, requiredHook: String) throws(PolicyFailure) {
        host = try PolicyHost(file: file, limits: limits, stdlib: stdlib, pin: pin, requireSettle: false)
        guard host.defines(requiredHook) else {
            throw PolicyFailure(code: "bad-decision", message: "policy '\(file)' has no \(requiredHook) hook (required)")
        }
    }

    /// Calls `hook(ctx)` under the budgets; `ctx.state` is made from `state`, and its contents
    /// after a successful call come back with the results. A failure changes nothing.
    public func call(_ hook: String, context: LuaTable, state: LuaTable, clock: Timestamp) throws(PolicyFailure)
        -> (results: [LuaValue], state: LuaTable)
    {
        try host.call(hook, context: context, state: state, clock: clock)
    }

    /// ``call(_:context:state:clock:)`` with a ctx written for ``userdataTypes`` by a
    /// ``LuaTableWriter`` (no ``LuaTable`` tree to build and encode).
    public func call(_ hook: String, encodedContext context: EncodedLuaTable, state: LuaTable, clock: Timestamp) throws(PolicyFailure)
        -> (results: [LuaValue], state: LuaTable)
    {
        try host.call(hook, encodedContext: context, state: state, clock: clock)
    }

    /// The userdata types a ctx for this policy is written with (the same for every policy:
    /// each host registers the same types in the same order).
    public var userdataTypes: LuaUserdataTypes { host.userdataTypes }

    /// The id of `halo.amount` among `types`, for ``LuaTableWriter/set(_:amount:decimals:type:)``.
    public static func amountType(in types: LuaUserdataTypes) -> Int32 { AmountBinding.typeID(in: types) }

    /// Lines the policy printed since the last call, drained.
    public func takePrinted() -> [String] { host.takePrinted() }

    /// Instructions the last call used.
    public var lastInstructions: Int { host.lastCallStatistics.instructions }

    // MARK: Values shared with the Unit runtime

    /// An exact amount as the Lua `halo.amount` userdata.
    public static func value(_ amount: Amount) -> LuaValue { AmountBinding.value(amount) }

    /// An amount from a decision (`halo.amount` or decimal string; floats and bare integers
    /// refused as `bad-decision`), the same rule as every Unit decision.
    public static func amount(_ value: LuaValue?, decimals: Int = 18, what: @autoclosure () -> String) throws(PolicyFailure) -> Amount? {
        try DecisionValidator.amount(value, decimals: decimals, what: what())
    }

    /// The values of a sequence 1...n, or nil when the table is not one.
    public static func sequence(_ table: LuaTable) -> [LuaValue]? { DecisionValidator.sequence(table) }

    /// A Lua value as JSON (amounts as exact decimal strings), for traces.
    public static func json(_ value: LuaValue) -> JSONValue { ContextBuilder.json(value) }

    /// A short name for a Lua value's type, for messages.
    public static func describe(_ value: LuaValue?) -> String { DecisionValidator.describe(value) }
}
