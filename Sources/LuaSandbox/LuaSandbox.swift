import CLua
import LuaShim

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Host functions and userdata types of one sandbox; the context of the C trampoline.
final class HostRegistry {
    var functions: [LuaHostFunction] = []
    var typeIDs: [String: Int32] = [:]
    var typeNames: [String] = []
    var encoder: ValueEncoder

    init(owner: UInt64) { encoder = ValueEncoder(owner: owner) }

    private var lastLookupName = ""
    private var lastLookupID: Int32 = -1

    /// The id of a registered userdata type; the last answer is remembered, since host
    /// functions ask for the same type on every call.
    func typeID(of name: String) -> Int32? {
        if lastLookupID >= 0, name == lastLookupName { return lastLookupID }
        guard let id = typeIDs[name] else { return nil }
        lastLookupName = name
        lastLookupID = id
        return id
    }

    /// Runs host function `id`; never throws into C. Returns 0 with results set, 1 with an error set.
    func invoke(_ state: OpaquePointer, _ id: Int32) -> Int32 {
        var call = LuaHostCall(state: state, registry: self)
        do throws(LuaHostError) {
            try functions[Int(id)](&call)
            encoder.reset()
            for value in call.results {
                do throws(SandboxError) {
                    try encoder.encode(value, types: typeIDs)
                } catch {
                    throw LuaHostError(error.message)
                }
            }
            let results = encoder.buffer
            halo_host_set_results(state, results.start, results.count)
            return 0
        } catch {
            var message = error.message
            let code: Int32 = switch error.code {
            case .forbidden: Int32(HALO_ERR_FORBIDDEN)
            default: Int32(HALO_ERR_POLICY)
            }
            message.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { halo_host_set_error(state, $0.baseAddress, $0.count, code) }
            }
            return 1
        }
    }
}

/// The process-wide source of sandbox serial numbers (references name their owner).
private let serials = SerialCounter()

private final class SerialCounter: @unchecked Sendable {
    private var value: UInt64 = 0
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    init() { pthread_mutex_init(lock, nil) }
    func next() -> UInt64 {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        value += 1
        return value
    }
}

/// A Lua 5.4 state that runs hostile policy scripts under budgets.
///
/// Not `Sendable`: own it from one isolation domain (an actor or a serial executor).
///
/// ```swift
/// let sandbox = try LuaSandbox(configuration: SandboxConfiguration(randomSeed: 42))
/// let policy = try sandbox.load(source: "return { settle = function(ctx) return ctx.time end }",
///                               chunkName: "tbill.lua")
/// sandbox.clock = 1_700_000_000
/// let results = try sandbox.call(policy, function: "settle",
///                                arguments: [.table(LuaTable(dictionary: ["time": 5], frozen: true))])
/// ```
public final class LuaSandbox {
    let state: OpaquePointer
    /// The line-coverage record while coverage is on (LuaSandbox+Coverage.swift); freed after the state.
    var coverageRecord: UnsafeMutablePointer<halo_coverage>?
    let registry: HostRegistry
    private let serial: UInt64
    private var encoder: ValueEncoder
    /// Registry slots this sandbox handed out and has not released (a double unref would
    /// corrupt Lua's free list).
    private var liveReferences: Set<Int32> = []

    /// The budgets of every following load or call.
    public var limits: SandboxLimits {
        didSet { applyLimits() }
    }

    /// Creates a sandbox with the profile described in `docs/sandbox.md`.
    public init(configuration: SandboxConfiguration) throws(SandboxError) {
        serial = serials.next()
        registry = HostRegistry(owner: serial)
        encoder = ValueEncoder(owner: serial)
        limits = configuration.limits
        let context = Unmanaged.passUnretained(registry).toOpaque()
        guard
            let state = halo_open(
                { context, state, id in
                    Unmanaged<HostRegistry>.fromOpaque(context!).takeUnretainedValue().invoke(state!, id)
                }, context, configuration.randomSeed)
        else {
            throw SandboxError(code: .memory, message: "cannot create a Lua state")
        }
        self.state = state
        for root in configuration.moduleRoots {
            guard root.hasPrefix("/") else {
                // deinit closes the state: every stored property is set, so it runs on this throw too.
                throw SandboxError(code: .policyError, message: "module root '\(root)' is not absolute")
            }
            halo_add_module_root(state, root)
        }
        halo_set_clock(state, configuration.clock)
        applyLimits()
    }

    deinit {
        halo_close(state)
        coverageRecord?.deallocate()
    }

    private func applyLimits() {
        halo_set_limits(
            state, Int64(limits.instructions), Int64(limits.memoryBytes), Int64(limits.wallTimeMilliseconds))
    }

    // MARK: Host registrations

    /// Registers a userdata type: values carry `payloadSize` plain bytes; `methods` become
    /// its read-only `__index` table, `metamethods` (`__add`, `__eq`, `__lt`, `__tostring`...)
    /// its metatable, which scripts cannot read or change. `__gc` is refused.
    ///
    /// ```swift
    /// try sandbox.registerUserdataType(name: "money", payloadSize: 8,
    ///                                  metamethods: ["__add": add], methods: ["cents": cents])
    /// ```
    public func registerUserdataType(
        name: String, payloadSize: Int, metamethods: [String: LuaHostFunction], methods: [String: LuaHostFunction]
    ) throws(SandboxError) {
        guard registry.typeIDs[name] == nil else {
            throw SandboxError(code: .policyError, message: "userdata type '\(name)' already registered")
        }
        var entries: [(String, LuaHostFunction, UInt8)] = []
        for key in metamethods.keys.sorted() { entries.append((key, metamethods[key]!, 1)) }
        for key in methods.keys.sorted() { entries.append((key, methods[key]!, 0)) }
        var typeID: Int32 = -1
        let status = withRegisteredFunctions(entries) { names, ids, flags, count in
            halo_register_type(state, name, Int32(payloadSize), names, ids, flags, count, &typeID)
        }
        try check(status)
        registry.typeIDs[name] = typeID
        while registry.typeNames.count <= Int(typeID) { registry.typeNames.append("") }
        registry.typeNames[Int(typeID)] = name
    }

    /// Registers a preloaded module: `require(name)` returns a read-only table of `functions`.
    ///
    /// ```swift
    /// try sandbox.registerModule(name: "halo.host", functions: ["now": { call in call.results = [1] }])
    /// ```
    public func registerModule(name: String, functions: [String: LuaHostFunction]) throws(SandboxError) {
        let entries = functions.keys.sorted().map { ($0, functions[$0]!, UInt8(0)) }
        let status = withRegisteredFunctions(entries) { names, ids, _, count in
            halo_register_module(state, name, names, ids, count)
        }
        try check(status)
    }

    private func withRegisteredFunctions(
        _ entries: [(String, LuaHostFunction, UInt8)],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<Int32>, UnsafePointer<UInt8>, Int32) -> Int32
    ) -> Int32 {
        var ids: [Int32] = []
        for entry in entries {
            ids.append(Int32(registry.functions.count))
            registry.functions.append(entry.1)
        }
        let names = entries.map { strdup($0.0) }
        defer { names.forEach { free($0) } }
        let constNames: [UnsafePointer<CChar>?] = names.map { $0.map { UnsafePointer($0) } }
        let flags = entries.map(\.2)
        return constNames.withUnsafeBufferPointer { namesBuffer in
            ids.withUnsafeBufferPointer { idsBuffer in
                flags.withUnsafeBufferPointer { flagsBuffer in
                    body(namesBuffer.baseAddress!, idsBuffer.baseAddress!, flagsBuffer.baseAddress!, Int32(entries.count))
                }
            }
        }
    }

    // MARK: Policies

    /// Runs a policy chunk's top level under the budgets, in a fresh environment, and
    /// returns a reference to its first result (the policy's hook table).
    ///
    /// Globals the top level defines stay visible to later calls; globals a call writes
    /// are dropped when it ends (each call gets a fresh layer over the policy's globals).
    public func load(source: String, chunkName: String) throws(SandboxError) -> LuaReference {
        var reference: Int32 = 0
        var environment: Int32 = 0
        var source = source
        let status = source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                halo_load(state, $0.baseAddress, $0.count, chunkName, &reference, &environment)
            }
        }
        try check(status)
        liveReferences.insert(reference)
        liveReferences.insert(environment)
        return LuaReference(id: reference, environment: environment, owner: serial)
    }

    /// Whether the table behind `table` has a function under `named`.
    public func hasFunction(_ table: LuaReference, named: String) -> Bool {
        guard table.owner == serial else { return false }
        return halo_has_function(state, table.id, named) != 0
    }

    /// Calls `table[function](arguments...)` under the budgets; results are converted
    /// (depth 32, 200,000 elements; beyond that the call fails with `policy-error`).
    public func call(_ table: LuaReference, function: String, arguments: [LuaValue]) throws(SandboxError) -> [LuaValue] {
        guard table.owner == serial else {
            throw SandboxError(code: .policyError, message: "reference belongs to another sandbox")
        }
        try refuseReentry()
        encoder.reset()
        for argument in arguments { try encoder.encode(argument, types: registry.typeIDs) }
        var count: Int32 = 0
        let encoded = encoder.buffer
        let status = halo_invoke(state, table.id, table.environment, function, encoded.start, encoded.count, &count)
        try check(status)
        var length = 0
        guard count > 0, let data = halo_output(state, &length) else { return [] }
        var decoder = ValueDecoder(UnsafeRawBufferPointer(start: data, count: length), typeNames: registry.typeNames)
        return (0..<Int(count)).map { _ in decoder.next() }
    }

    /// Calls `table[function](context, extra...)` under the budgets, with `state` as the one
    /// writable table of an otherwise read-only ctx: `context.state` (any `state` entry of
    /// `context` is replaced). The state, the ctx and the arguments cross in one buffer and
    /// the state comes back with the results, so a call is one crossing each way.
    ///
    /// Returns the results (bounded as for ``call(_:function:arguments:)``) and the state after
    /// the call, or `nil` for the state when the policy left it exactly as it came (its
    /// encoding is byte for byte the one that went in: always so for an empty state the
    /// policy did not write), in which case nothing is decoded.
    /// Throws `policy-error` for a state beyond the conversion bounds.
    public func call(
        _ table: LuaReference, function: String, context: LuaTable, state: LuaTable, extra: [LuaValue] = []
    ) throws(SandboxError) -> (results: [LuaValue], state: LuaTable?) {
        try invokeWithState(table, function: function, state: state, extra: extra) { (callState) throws(SandboxError) in
            try encoder.encode(context, adding: "state", .reference(callState), types: registry.typeIDs)
        }
    }

    /// Runs `table[function](ctx, extra...)` with `ctx.state` made from `state`: the state is
    /// encoded first, then `writeContext` puts the ctx (with `state` as `callState`), then the
    /// arguments; reads the results and the state back.
    private func invokeWithState(
        _ table: LuaReference, function: String, state: LuaTable, extra: [LuaValue],
        writeContext: (LuaReference) throws(SandboxError) -> Void
    ) throws(SandboxError) -> (results: [LuaValue], state: LuaTable?) {
        guard table.owner == serial else {
            throw SandboxError(code: .policyError, message: "reference belongs to another sandbox")
        }
        try refuseReentry()
        encoder.reset()
        try encoder.encode(.table(LuaTable(entries: state.entries, frozen: false)), types: registry.typeIDs)
        let stateLength = encoder.count
        try writeContext(LuaReference(id: Int32(HALO_REF_CALL_STATE), environment: 0, owner: serial))
        for argument in extra { try encoder.encode(argument, types: registry.typeIDs) }
        var count: Int32 = 0
        var emittedStateLength = 0
        let encoded = encoder.buffer
        let status = halo_invoke_with_state(self.state, table.id, table.environment, function,
                                            encoded.start, encoded.count, &count, &emittedStateLength)
        try check(status)
        var length = 0
        guard let data = halo_output(self.state, &length) else { return ([], nil) }
        let output = UnsafeRawBufferPointer(start: data, count: length)
        var decoder = ValueDecoder(output, typeNames: registry.typeNames)
        var newState: LuaTable?
        if emittedStateLength == stateLength, memcmp(data, encoded.start, stateLength) == 0 {
            decoder.offset = stateLength
        } else {
            guard case .table(let table) = decoder.next() else {
                throw SandboxError(code: .policyError, message: "ctx.state is no longer a table")
            }
            newState = table
        }
        return ((0..<Int(count)).map { _ in decoder.next() }, newState)
    }

    /// The userdata types registered so far, for a ``LuaTableWriter`` that writes for this sandbox.
    public var userdataTypes: LuaUserdataTypes { LuaUserdataTypes(ids: registry.typeIDs) }

    /// ``call(_:function:context:state:extra:)`` with a ctx a ``LuaTableWriter`` wrote (no
    /// ``LuaTable`` to encode: the bytes are copied once). Throws `policy-error` when the ctx
    /// was written for other userdata types or has its own `state` key.
    public func call(
        _ table: LuaReference, function: String, encodedContext context: EncodedLuaTable, state: LuaTable, extra: [LuaValue] = []
    ) throws(SandboxError) -> (results: [LuaValue], state: LuaTable?) {
        guard context.types.ids == registry.typeIDs else {
            throw SandboxError(code: .policyError, message: "the ctx was written for another sandbox's userdata types")
        }
        guard !context.wroteState else {
            throw SandboxError(code: .policyError, message: "the ctx has its own 'state' entry: the state is passed on its own")
        }
        return try invokeWithState(table, function: function, state: state, extra: extra) { callState in
            context.bytes.withUnsafeBytes { encoder.encode(context: $0, adding: "state", callState) }
        }
    }

    /// Puts a copy of `value` in the registry, writable by scripts unless `frozen`
    /// (e.g. a per-Unit state store, passed inside a frozen ctx as `.reference`).
    public func makeTable(_ value: LuaTable) throws(SandboxError) -> LuaReference {
        try refuseReentry()
        encoder.reset()
        try encoder.encode(.table(value), types: registry.typeIDs)
        var reference: Int32 = 0
        let encoded = encoder.buffer
        let status = halo_make_reference(state, encoded.start, encoded.count, &reference)
        try check(status)
        liveReferences.insert(reference)
        return LuaReference(id: reference, environment: 0, owner: serial)
    }

    /// The current value behind a reference, converted (read-only proxies read as their contents).
    public func value(of reference: LuaReference) -> LuaValue {
        guard reference.owner == serial else { return .nil }
        halo_value(state, reference.id)
        var length = 0
        guard let data = halo_output(state, &length), length > 0 else { return .nil }
        var decoder = ValueDecoder(UnsafeRawBufferPointer(start: data, count: length), typeNames: registry.typeNames)
        return decoder.next()
    }

    /// Frees a reference (and a loaded policy's environment).
    public func release(_ reference: LuaReference) {
        guard reference.owner == serial else { return }
        for slot in [reference.id, reference.environment] where slot > 0 {
            if liveReferences.remove(slot) != nil { halo_release(state, slot) }
        }
    }

    // MARK: Observation

    /// Lines printed by scripts since the last ``clearPrintedLines()`` (at most 1 MiB kept).
    public var printedLines: [String] {
        var length = 0
        guard let data = halo_log(state, &length), length > 0 else { return [] }
        let buffer = UnsafeRawBufferPointer(start: data, count: length)
        var lines: [String] = []
        var offset = 0
        while offset + 4 <= length {
            let count = Int(buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            offset += 4
            lines.append(String(decoding: buffer[offset..<offset + count], as: UTF8.self))
            offset += count
        }
        return lines
    }

    /// Forgets the captured print output.
    public func clearPrintedLines() { halo_log_clear(state) }

    /// Seconds since the epoch seen by `os.time()` and `os.date()`.
    public var clock: Int64 {
        get { halo_clock(state) }
        set { halo_set_clock(state, newValue) }
    }

    /// Instruction units counted and peak Lua heap bytes of the last load or call.
    public var lastCallStatistics: (instructions: Int, peakMemoryBytes: Int) {
        var instructions: Int64 = 0
        var peak: Int64 = 0
        halo_statistics(state, &instructions, &peak)
        return (Int(instructions), Int(peak))
    }

    /// Read-only argument tables the last call decoded: a call's frozen tables are decoded
    /// level by level on first read, so a policy that reads only `ctx.time` decodes one.
    public var lastCallDecodedTables: Int { Int(halo_decoded_tables(state)) }

    /// Bytes the Lua heap holds now.
    public var memoryInUse: Int { Int(halo_memory_in_use(state)) }

    /// A host function may not enter the sandbox it runs in (the C side refuses too); refused
    /// here before the encoder's buffer, which the call in progress still reads, is reused.
    private func refuseReentry() throws(SandboxError) {
        guard halo_in_host_function(state) == 0 else {
            throw SandboxError(code: .policyError, message: "the sandbox cannot be entered from a host function")
        }
    }

    func check(_ status: Int32) throws(SandboxError) {
        guard Int(status) != HALO_OK else { return }
        let code: SandboxErrorCode = switch Int(status) {
        case HALO_ERR_TIMEOUT: .timeout
        case HALO_ERR_MEMORY: .memory
        case HALO_ERR_FORBIDDEN: .forbidden
        default: .policyError
        }
        let chunk = String(cString: halo_error_chunk(state))
        let line = Int(halo_error_line(state))
        throw SandboxError.from(
            code: code, message: String(cString: halo_error_message(state)),
            chunk: chunk.isEmpty ? nil : chunk, line: line > 0 ? line : nil)
    }
}
