import HaloArtifacts
import HaloCore
import LuaSandbox

/// Why a step or event was refused: a stable code and a message.
public struct StepFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The contract's error code (`queue-locked`, `rate-limit-exceeded`, `bad-decision`, ...).
    public var code: String
    /// What happened.
    public var message: String

    /// Creates a failure.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// One hook call and what came of it.
public struct DecisionRecord: Sendable {
    /// When the hook ran.
    public var time: Timestamp
    /// `settle`, `signals`, `respond` or `migrate`.
    public var hook: String
    /// The validated result (or the fallback that was used).
    public var result: JSONValue
    /// Why the result was not used, if it was not.
    public var failure: PolicyFailure?
    /// Instructions the call used.
    public var instructions: Int
    /// The ctx the hook saw (only with tracing).
    public var inputs: JSONValue? = nil
}

/// One action and whether the runtime applied it.
public struct ActionRecord: Sendable {
    /// When.
    public var time: Timestamp
    /// The action's name.
    public var action: String
    /// True when applied.
    public var applied: Bool
    /// The policy's reason when applied; the refusal's reason when not.
    public var reason: String
    /// The refusal's code, when refused.
    public var code: String?
}

/// A manager report as the policy sees it.
struct ManagerReport: Codable {
    var time: Timestamp
    var fields: [ReportField]
}

/// The flags a policy's responses set.
public struct UnitFlags: Sendable, Equatable, Codable {
    /// The next settlement converts nothing.
    public var skipNextCycle = false
    /// A migration was started.
    public var migrating = false
}

/// The runtime of one Unit: its HaloCore state, its policy, its daily cycle and its logs.
///
/// A policy proposes; the Sentinel checks (``DecisionValidator``) and applies. A failed hook
/// changes nothing: the cycle falls back to no conversion at the previous rate and
/// `POLICY_FAILURE` is raised.
///
/// ```swift
/// let sentinel = try UnitSentinel(artifact: unit, schedule: .standard, start: start, stdlib: "stdlib")
/// try sentinel.perform(.subscribe(account: "alice", amount: amount), at: start)
/// ```
public final class UnitSentinel {
    /// The code of the signal the runtime raises when a hook fails.
    public static let policyFailure = "POLICY_FAILURE"
    /// Reports kept for `ctx.reports`.
    static let reportHistory = 30
    /// The relayer a Unit starts with: its own Sentinel.
    static let sentinelRelayer = "unit-sentinel"

    /// The Unit Artifact.
    public let artifact: UnitArtifact
    /// The Halo's schedule.
    public let schedule: SettlementSpec
    /// Whether lock and settlement fire by themselves as time passes.
    public var dailyClock: Bool
    /// Record each hook's ctx in the decision log (`--trace`).
    public var traceInputs = false
    var lastHookInputs: JSONValue?
    /// The Unit's exact state.
    public internal(set) var unit: HaloUnit
    /// Simulated now.
    public internal(set) var now: Timestamp
    /// Flags set by responses.
    public internal(set) var flags = UnitFlags()
    /// Every hook call.
    public internal(set) var decisions: [DecisionRecord] = []
    /// Every signal raised.
    public internal(set) var signals: [RaisedSignal] = []
    /// Every action, applied or refused.
    public internal(set) var actions: [ActionRecord] = []
    /// What the policy printed.
    public internal(set) var printed: [String] = []
    /// The policy's key/value store.
    public internal(set) var state = LuaTable()
    /// How many hooks failed.
    public internal(set) var policyFailures = 0

    var policy: PolicyHost?
    /// Why the policy could not be loaded, if it could not.
    public internal(set) var policyLoadFailure: PolicyFailure?
    let stdlib: String?
    let migrationProcedure: String?
    var reports: [ManagerReport] = []
    var pendingDecision: SettleDecision?
    var lockedAt: Timestamp?
    var lastSettlement: (time: Timestamp, rate: Rate)?
    var pendingReload: String?
    /// The deferred reload's compiled policy and when it was asked for: the swap at settlement
    /// installs exactly the source that was checked.
    var pendingCandidate: (host: PolicyHost, requestedAt: Timestamp)?
    /// Swaps that took effect since the logs were last cleared.
    public internal(set) var swaps: [PolicySwap] = []
    var cycleCursor: Timestamp
    var runtimeSignals: [RaisedSignal] = []
    var lastPolicyPath: String
    /// Called after each daily settlement (and the signals it raised) with the Unit as it was
    /// just before it; the Sentinel service writes settlement statements from it.
    public var onSettlement: ((UnitSentinel, SettlementMoment) -> Void)? = nil
    /// Journal support: hook outcomes recorded while running, replayed on recovery.
    public var recordsTape = false
    /// Told of each live hook call (the HTTP server's metrics); replayed calls are not live.
    public var onHookCall: ((HookCallMeasure) -> Void)?
    var recordedTape: [HookOutcome] = []
    var replayTape: [HookOutcome] = []
    /// What `halo state` shows after the logs are cleared (UnitSentinel+StatusPage.swift).
    var statusMemory = StatusMemory()
    /// True when a replay met a hook call the journal did not record.
    public internal(set) var replayDiverged = false
    /// Asked every hook call's question too, answers only recorded (`halo replay`).
    public var shadow: ShadowPolicy?

    /// The policy file in use and its SHA-256 (nil when it failed to load).
    public var policyIdentity: (file: String, sha256: String?) {
        (policy?.file ?? lastPolicyPath, policy?.sha256)
    }

    /// Creates the runtime: the Unit's rate limits are set from the artifact at `start`, the
    /// relayer is the Sentinel, and the policy is loaded (a load failure is kept, not thrown,
    /// so a dry-run can report it; ``policyLoadFailure``).
    public init(artifact: UnitArtifact, schedule: SettlementSpec, start: Timestamp, stdlib: String?,
                migrationProcedure: String? = nil, exchangeRate: Rate? = nil, dailyClock: Bool = true) throws(StepFailure) {
        self.artifact = artifact
        self.schedule = schedule
        self.now = start
        self.cycleCursor = start
        self.stdlib = stdlib
        self.migrationProcedure = migrationProcedure
        self.dailyClock = dailyClock
        self.lastPolicyPath = artifact.policyFile
        var unit = HaloUnit(underlying: artifact.underlying, share: artifact.share,
                            decimals: UInt8(artifact.decimals(of: artifact.underlying)), relayer: Self.sentinelRelayer)
        do {
            if let exchangeRate { try unit.setExchangeRate(exchangeRate, at: start) }
            for (key, spec) in artifact.rateLimits {
                switch spec {
                case .unlimited: try unit.setUnlimitedRateLimit(key: key, at: start)
                case .limited(let maxAmount, let slope):
                    try unit.setRateLimit(key: key, maxAmount: maxAmount.units, slope: slope.units, at: start)
                }
            }
            try unit.fileConfigurator(hop: artifact.configurator.hop, maxChange: artifact.configurator.maxChange, at: start)
            for (key, initial) in artifact.configurator.inits.sorted(by: { $0.key < $1.key }) {
                try unit.addInit(key: key, maxAmount: initial.maxAmount.units, slope: initial.slope.units, at: start)
            }
        } catch {
            throw StepFailure(code: "artifact-invalid", message: "cannot set up Unit '\(artifact.name)': \(error)")
        }
        self.unit = unit
        loadPolicy(artifact.policyFile, pin: artifact.policySHA256)
    }

    func loadPolicy(_ file: String, pin: String?) {
        lastPolicyPath = file
        do {
            policy = try PolicyHost(file: file, limits: artifact.limits, stdlib: stdlib, pin: pin)
            policyLoadFailure = nil
        } catch {
            policy = nil
            policyLoadFailure = error
        }
    }

    /// Replaces the policy's state (a fixture's `state`, or a journal's on restart).
    public func restoreState(_ table: LuaTable) { state = table }

    /// True between lock and settlement, when only emergency reductions take effect.
    public var inProcessingWindow: Bool { pendingDecision != nil }

    // MARK: Time

    /// Moves the clock to `time`, firing every lock and settlement due on the way (daily clock).
    public func advance(to time: Timestamp) {
        guard time > now || (time == now && dailyClock) else { return }
        if dailyClock {
            // Events in (cursor, time]: a step at exactly 13:00 meets locked queues.
            let events = schedule.dailySchedule.events(from: Timestamp(seconds: cycleCursor.seconds + 1),
                                                       to: Timestamp(seconds: time.seconds + 1))
            for event in events {
                now = event.time
                switch event.kind {
                case .lock: runLock(at: event.time)
                case .settle: runSettle(at: event.time)
                }
            }
            cycleCursor = max(cycleCursor, time)
        }
        now = max(now, time)
    }

    // MARK: Steps

    /// Performs one step action at `time` (the clock must already be there). Throws when the
    /// step is refused; a refused step changes nothing.
    public func perform(_ action: StepAction, at time: Timestamp) throws(StepFailure) {
        advance(to: time)
        switch action {
        case .subscribe(let account, let amount):
            try core { () throws(HaloError) in _ = try unit.subscribe(account: account, amount: amount.units, at: time) }
        case .redeem(let account, let amount):
            try core { () throws(HaloError) in _ = try unit.redeem(account: account, amount: amount.units, at: time) }
        case .claim(let account, let queue):
            try core { () throws(HaloError) in _ = try unit.claim(account: account, queue: queue, at: time) }
        case .exit(let account, let queue):
            try core { () throws(HaloError) in _ = try unit.exit(account: account, queue: queue, at: time) }
        case .lock(let queue):
            try core { () throws(HaloError) in try unit.lock(queue: queue, at: time) }
        case .settle(let subscribe, let redeem):
            if subscribe == nil && redeem == nil {
                try settleByPolicy(at: time)
            } else {
                try settleForced(subscribe: subscribe, redeem: redeem, at: time)
            }
        case .report(let fields):
            let missing = artifact.reporting.filter { name in !fields.contains { $0.name == name } }
            guard missing.isEmpty else {
                throw StepFailure(code: "report-invalid",
                                  message: "the report lacks \(missing.joined(separator: ", ")), which the Unit Artifact's reporting requires")
            }
            reports.append(ManagerReport(time: time, fields: fields))
            if reports.count > Self.reportHistory { reports.removeFirst(reports.count - Self.reportHistory) }
            runSignals(at: time)
        case .rateLimit(let operation):
            try rateLimit(operation, at: time)
        case .configure(let operation):
            try configure(operation, at: time)
        case .tick:
            runSignals(at: time)
        case .freeze:
            try core { () throws(HaloError) in try unit.freeze(at: time) }
        case .reload(let file):
            try reload(file, pin: nil, at: time)
        case .expect(let expectation):
            let mismatches = ExpectationChecker.check(expectation, against: self)
            guard mismatches.isEmpty else {
                throw StepFailure(code: "expectation-failed", message: mismatches.joined(separator: "; "))
            }
        case .fund(let account, let asset, let amount):
            try core { () throws(HaloError) in
                try unit.fund(account: account, asset: asset, amount: amount.units, source: "external", at: time)
            }
        }
    }

    /// Hot-swaps the policy: the new file loads in a fresh sandbox; a broken file is refused
    /// and the old policy keeps running. Inside the processing window the swap waits for settlement.
    public func reload(_ file: String, pin: String?, at time: Timestamp) throws(StepFailure) {
        let candidate: PolicyHost
        do {
            candidate = try PolicyHost(file: file, limits: artifact.limits, stdlib: stdlib, pin: pin)
        } catch {
            throw StepFailure(code: error.code, message: "\(Self.reloadRefused): \(error)")
        }
        if inProcessingWindow {
            pendingReload = file
            pendingCandidate = (candidate, time)
            logDecision(DecisionRecord(time: time, hook: "reload", result: .object([
                ("policy", .string(PolicyHost.chunkName(file))), ("sha256", .string(candidate.sha256)),
                ("deferred", .string("inside the processing window; applies after settlement")),
            ]), failure: nil, instructions: 0))
            return
        }
        swap(to: candidate, at: time)
    }

    /// The words of every refused reload, said once.
    public static let reloadRefused = "reload refused, the previous policy keeps running"

    func swap(to candidate: PolicyHost, at time: Timestamp, requestedAt: Timestamp? = nil) {
        let previous = policyIdentity
        swaps.append(PolicySwap(time: time, requestedAt: requestedAt ?? time, file: candidate.file, sha256: candidate.sha256,
                                previousFile: previous.file, previousSHA256: previous.sha256,
                                decisionIndex: decisions.count, signalIndex: signals.count, actionIndex: actions.count,
                                tapeIndex: recordedTape.count))
        policy = candidate
        policyLoadFailure = nil
        lastPolicyPath = candidate.file
        logDecision(DecisionRecord(time: time, hook: "reload", result: .object([
            ("policy", .string(PolicyHost.chunkName(candidate.file))), ("sha256", .string(candidate.sha256)),
        ]), failure: nil, instructions: 0))
    }

    func rateLimit(_ operation: RateLimitOperation, at time: Timestamp) throws(StepFailure) {
        try core { () throws(HaloError) in
            switch operation {
            case .set(let key, let maxAmount, let slope, let lastAmount, let lastUpdated):
                if let lastAmount, let lastUpdated {
                    try unit.setRateLimit(key: key, maxAmount: maxAmount.units, slope: slope.units,
                                          lastAmount: lastAmount.units, lastUpdated: lastUpdated, at: time)
                } else if let lastAmount {
                    // The 4-field form with only last_amount: last_updated is now.
                    try unit.setRateLimit(key: key, maxAmount: maxAmount.units, slope: slope.units,
                                          lastAmount: lastAmount.units, lastUpdated: time, at: time)
                } else {
                    try unit.setRateLimit(key: key, maxAmount: maxAmount.units, slope: slope.units, at: time)
                }
            case .setUnlimited(let key): try unit.setUnlimitedRateLimit(key: key, at: time)
            case .consume(let key, let amount): _ = try unit.consumeRateLimit(key: key, amount: amount.units, at: time)
            case .replenish(let key, let amount): _ = try unit.replenishRateLimit(key: key, amount: amount.units, at: time)
            }
        }
    }

    func configure(_ operation: ConfigureOperation, at time: Timestamp) throws(StepFailure) {
        try core { () throws(HaloError) in
            switch operation {
            case .addInit(let key, let maxAmount, let slope):
                try unit.addInit(key: key, maxAmount: maxAmount.units, slope: slope.units, at: time)
            case .file(let hop, let maxChange):
                try unit.fileConfigurator(hop: hop, maxChange: maxChange, at: time)
            case .setRateLimit(let key, let maxAmount, let slope):
                try unit.configureRateLimit(key: key, maxAmount: maxAmount.units, slope: slope.units, at: time)
            }
        }
    }

    /// Runs a HaloCore operation, mapping its error to a step failure.
    func core(_ body: () throws(HaloError) -> Void) throws(StepFailure) {
        do { try body() } catch { throw StepFailure(code: error.code, message: error.message) }
    }

    func logDecision(_ record: DecisionRecord) {
        var record = record
        if traceInputs, record.inputs == nil {
            record.inputs = lastHookInputs
        }
        lastHookInputs = nil
        decisions.append(record)
    }

    /// The hook outcomes recorded since the last call.
    public func takeRecordedTape() -> [HookOutcome] {
        defer { recordedTape = [] }
        return recordedTape
    }

    /// Forgets the decision, signal and action logs (a running Sentinel has journaled and
    /// printed them; keeping them would grow memory with every event).
    public func clearLogs() {
        statusMemory.absorb(decisions: decisions, signals: signals, actions: actions)
        decisions.removeAll(keepingCapacity: true)
        signals.removeAll(keepingCapacity: true)
        actions.removeAll(keepingCapacity: true)
        printed.removeAll(keepingCapacity: true)
        swaps.removeAll()
    }

    /// Hook outcomes to use instead of calling the policy, in order.
    public func replay(_ outcomes: [HookOutcome]) { replayTape = outcomes }

    // MARK: Queries

    /// Names of distinct signal codes raised so far.
    public var raisedCodes: Set<String> { Set(signals.map(\.code)) }
    /// Names of distinct actions applied so far.
    /// (A migration plan's `note` steps are recorded but are not actions.)
    public var appliedActions: Set<String> { Set(actions.filter { $0.applied && $0.action != "note" }.map(\.action)) }
}
