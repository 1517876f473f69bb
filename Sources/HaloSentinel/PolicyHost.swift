import Foundation
import HaloArtifacts
import HaloCore
import LuaSandbox

/// One loaded policy: its sandbox, its hook table and where it came from.
///
/// A `PolicyHost` is owned by one ``UnitSentinel`` and never shared across threads. A hot
/// reload builds a new host beside the old one and swaps only when the new one loaded.
final class PolicyHost {
    /// The policy file.
    let file: String
    /// SHA-256 of the source that was loaded.
    let sha256: String
    /// The chunk name errors are reported under.
    let chunk: String
    /// Hooks the policy defines.
    let hooks: Set<String>
    private let sandbox: LuaSandbox
    private let table: LuaReference

    static let knownHooks = ["settle", "signals", "respond", "migrate"]

    /// Loads `file` into a fresh sandbox with `limits`; `require` finds `stdlib` and the policy's folder.
    /// `nativeAmounts: false` keeps every amount operation in Swift (tests compare the two).
    init(file: String, limits: PolicyLimits, stdlib: String?, pin: String?, requireSettle: Bool = true,
         nativeAmounts: Bool = true) throws(PolicyFailure) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PolicyFailure(code: "policy-error", message: "cannot read policy '\(file)'")
        }
        let digest = FileDigest.sha256(data)
        if let pin, pin != digest {
            throw PolicyFailure(code: "integrity-mismatch",
                                message: "policy '\(file)' has sha256 \(digest), the artifact pins \(pin)")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw PolicyFailure(code: "policy-error", message: "policy '\(file)' is not UTF-8 text")
        }
        let chunk = Self.chunkName(file)
        var configuration = SandboxConfiguration()
        configuration.limits = SandboxLimits(instructions: limits.instructions, memoryBytes: limits.memoryBytes,
                                             wallTimeMilliseconds: limits.wallTimeMilliseconds)
        var roots: [String] = []
        if let stdlib { roots.append(Self.absolute(stdlib)) }
        roots.append(Self.absolute((file as NSString).deletingLastPathComponent))
        configuration.moduleRoots = roots
        configuration.randomSeed = 0x4841_4C4F  // "HALO": dry-runs reproduce
        do {
            let sandbox = try LuaSandbox(configuration: configuration)
            if CoverageCollector.shared.isOn { sandbox.startCoverage() }
            try AmountBinding.register(in: sandbox, native: nativeAmounts)
            let table = try sandbox.load(source: source, chunkName: chunk)
            // A load-time fault of the policy itself, not a decision: policy-error, with the usual cause.
            guard case .table = sandbox.value(of: table) else {
                throw PolicyFailure(code: "policy-error",
                                    message: "the policy must return a table of hooks (settle, signals, respond, migrate); did you forget `return P` at the end?",
                                    location: chunk)
            }
            self.sandbox = sandbox
            self.table = table
            self.hooks = Set(Self.knownHooks.filter { sandbox.hasFunction(table, named: $0) })
        } catch let error as SandboxError {
            var failure = PolicyFailure(sandbox: error, policy: chunk)
            if stdlib == nil, failure.message.contains("module 'halo") {
                failure.message += "\n" + StdlibLocator.notFoundMessage(near: [file])
            }
            throw failure
        } catch let error as PolicyFailure {
            throw error
        } catch {
            throw PolicyFailure(code: "policy-error", message: "\(error)")
        }
        self.chunk = chunk
        self.file = file
        self.sha256 = digest
        guard hooks.contains("settle") || !requireSettle else {
            throw PolicyFailure(code: "policy-error", message: "the policy has no settle hook (required); define `function P.settle(ctx)`",
                                location: chunk)
        }
    }

    deinit { if CoverageCollector.shared.isOn { CoverageCollector.shared.absorb(sandbox.coveredLines(), policy: file) } }

    /// Calls `hook` with `context` (and `extra`); `state` is the policy's writable `ctx.state`.
    /// Returns the results and the state after a successful call: sanitized when the policy
    /// changed it, `state` itself when it did not, so `state` must be a stored state (one this
    /// method returned, or read back from the journal).
    func call(_ hook: String, context: LuaTable, state: LuaTable, extra: [LuaValue] = [], clock: Timestamp)
        throws(PolicyFailure) -> (results: [LuaValue], state: LuaTable)
    {
        try call(state: state, clock: clock) { () throws(SandboxError) in
            try sandbox.call(table, function: hook, context: context, state: state, extra: extra)
        }
    }

    /// ``call(_:context:state:extra:clock:)`` with a ctx written by a ``LuaTableWriter`` for
    /// this host's ``userdataTypes`` (how the runtime calls hooks: no ``LuaTable`` is built).
    func call(_ hook: String, encodedContext context: EncodedLuaTable, state: LuaTable, extra: [LuaValue] = [], clock: Timestamp)
        throws(PolicyFailure) -> (results: [LuaValue], state: LuaTable)
    {
        try call(state: state, clock: clock) { () throws(SandboxError) in
            try sandbox.call(table, function: hook, encodedContext: context, state: state, extra: extra)
        }
    }

    /// The userdata types a ctx for this host is written with.
    var userdataTypes: LuaUserdataTypes { sandbox.userdataTypes }

    private func call(state: LuaTable, clock: Timestamp, _ invoke: () throws(SandboxError) -> (results: [LuaValue], state: LuaTable?))
        throws(PolicyFailure) -> (results: [LuaValue], state: LuaTable)
    {
        do {
            sandbox.clock = clock.seconds
            let outcome = try invoke()
            // A state the policy left as it came is the one it was given (sanitized when it
            // was stored): only a written state is converted and checked again.
            guard let written = outcome.state else { return (outcome.results, state) }
            return (outcome.results, try StateStore.sanitize(written))
        } catch let error as SandboxError {
            throw PolicyFailure(sandbox: error, policy: chunk)
        } catch let error as PolicyFailure {
            throw error
        } catch {
            throw PolicyFailure(code: "policy-error", message: "\(error)")
        }
    }

    /// True when the policy's hook table has a function `hook` (hooks beyond the Unit's four,
    /// such as a Prime's `allocate`).
    func defines(_ hook: String) -> Bool { sandbox.hasFunction(table, named: hook) }

    /// Lines the policy printed, drained.
    func takePrinted() -> [String] {
        let lines = sandbox.printedLines
        sandbox.clearPrintedLines()
        return lines
    }

    /// Instructions and peak memory of the last call.
    var lastCallStatistics: (instructions: Int, peakMemoryBytes: Int) { sandbox.lastCallStatistics }

    /// Bytes the policy's Lua state holds now.
    var memoryInUse: Int { sandbox.memoryInUse }

    static func chunkName(_ file: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let path = absolute(file)
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return ArtifactPath.normalize(path) }
        return ArtifactPath.normalize(FileManager.default.currentDirectoryPath + "/" + path)
    }
}

extension PolicyFailure {
    /// `policy` is the chunk name the policy was loaded under: Lua cuts long chunk names to
    /// 60 bytes in its locations, so a cut-off prefix of it is put back whole.
    init(sandbox error: SandboxError, policy: String? = nil) {
        var location: String?
        if var chunk = error.chunk {
            if let policy, chunk.count >= 40, policy.hasPrefix(chunk) { chunk = policy }
            location = error.line.map { "\(chunk):\($0)" } ?? chunk
        }
        self.init(code: error.code.rawValue, message: error.message, location: location)
    }
}
