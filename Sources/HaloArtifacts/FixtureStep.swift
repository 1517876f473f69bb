import HaloCore

/// A forced settlement of one queue: how much converts and, optionally, what it returns.
public struct SettleOrderSpec: Sendable, Equatable {
    /// How much of the queue's underlying converts (capped by the queue's total).
    public var capacity: Amount
    /// What the conversion returns; nil computes it from the exchange rate.
    public var minted: Amount?
}

/// An asset-manager report field value.
public indirect enum ReportValue: Sendable, Equatable, Codable {
    /// A decimal number, exact (18 decimals).
    case amount(Amount)
    /// Text.
    case text(String)
    /// A flag.
    case bool(Bool)
    /// A list.
    case list([ReportValue])
    /// A nested record.
    case record([ReportField])
}

/// One named field of a report.
public struct ReportField: Sendable, Equatable, Codable {
    /// The field's name.
    public var name: String
    /// Its value.
    public var value: ReportValue

    /// Creates a field.
    public init(name: String, value: ReportValue) {
        self.name = name
        self.value = value
    }
}

/// A governance/controller-level rate-limit operation.
public enum RateLimitOperation: Sendable, Equatable {
    case set(key: String, maxAmount: Amount, slope: Amount, lastAmount: Amount?, lastUpdated: Timestamp?)
    case setUnlimited(key: String)
    case consume(key: String, amount: Amount)
    case replenish(key: String, amount: Amount)
}

/// An operation through the Configurator (SORL enforced).
public enum ConfigureOperation: Sendable, Equatable {
    /// Governance adds an approved init for `key`.
    case addInit(key: String, maxAmount: Amount, slope: Amount)
    /// Governance files a configurator parameter (`hop`, `max_change`).
    case file(hop: TimeSpan?, maxChange: Rate?)
    /// The cBEAM holder sets a rate limit from its init, bounded by SORL.
    case setRateLimit(key: String, maxAmount: Amount, slope: Amount)
}

/// What a step does.
public enum StepAction: Sendable, Equatable {
    case subscribe(account: String, amount: Amount)
    case redeem(account: String, amount: Amount)
    case claim(account: String, queue: QueueKind)
    case exit(account: String, queue: QueueKind)
    case lock(queue: QueueKind?)
    /// `settle: {}` (both nil): the policy decides now; otherwise forced numbers per queue.
    case settle(subscribe: SettleOrderSpec?, redeem: SettleOrderSpec?)
    case report([ReportField])
    case rateLimit(RateLimitOperation)
    case configure(ConfigureOperation)
    case tick
    /// Hot-swap the policy (path resolved against the fixture).
    case reload(policy: String)
    case expect(Expectation)
    /// Money arriving from outside (feeds only, but fixtures may use it too).
    case fund(account: String, asset: String, amount: Amount)
    /// The freezer removes the Unit's relayer (`freeze: {}`).
    case freeze

    /// The step kind's name, as written in files.
    public var name: String {
        switch self {
        case .subscribe: return "subscribe"
        case .redeem: return "redeem"
        case .claim: return "claim"
        case .exit: return "exit"
        case .lock: return "lock"
        case .settle: return "settle"
        case .report: return "report"
        case .rateLimit: return "rate_limit"
        case .configure: return "configure"
        case .tick: return "tick"
        case .reload: return "reload"
        case .expect: return "expect"
        case .fund: return "fund"
        case .freeze: return "freeze"
        }
    }

    /// Every step kind's name.
    public static let kinds: [String] = ["subscribe", "redeem", "claim", "exit", "lock", "settle", "report",
                                         "rate_limit", "configure", "tick", "reload", "expect", "fund", "freeze"]
}

/// When a step happens.
public enum StepTime: Sendable, Equatable {
    /// At the previous step's time.
    case same
    /// At an absolute time.
    case at(Timestamp)
    /// A span after the previous step.
    case after(TimeSpan)
}

/// One step of a fixture or one event of a feed.
public struct FixtureStep: Sendable, Equatable {
    /// Index in the fixture (0-based).
    public var index: Int
    /// Line in the file.
    public var line: Int
    /// When it happens.
    public var time: StepTime
    /// What it does.
    public var action: StepAction
    /// The code the step must fail with (and change nothing), if any.
    public var expectError: String?
    /// Who takes the step (`actor:`); nil takes the default of the step's kind (see `Authority`).
    public var actor: String? = nil
}

/// What step parsing needs to know: the Unit's assets and their decimals, and where the file is.
public struct StepContext: Sendable {
    /// The Unit whose assets the amounts are in.
    public var unit: UnitArtifact
    /// The file the steps come from (relative paths resolve against it).
    public var file: String

    /// Creates a context.
    public init(unit: UnitArtifact, file: String) {
        self.unit = unit
        self.file = file
    }

    var underlyingDecimals: Int { unit.decimals(of: unit.underlying) }
    var shareDecimals: Int { unit.decimals(of: unit.share) }
}

extension FixtureStep {
    static let timingKeys: Set<String> = ArtifactFields.fields("step")

    /// Parses one step mapping (`{at?, after?, expect_error?, <kind>: {...}}`).
    public static func parse(_ node: YAMLNode, index: Int, context: StepContext) throws(ArtifactError) -> FixtureStep {
        let entries = try node.entries()
        let actions = entries.filter { !timingKeys.contains($0.key) }
        guard actions.count == 1, let (kind, body) = actions.first else {
            if actions.isEmpty {
                throw node.error("a step needs exactly one action (\(StepAction.kinds.joined(separator: ", ")))")
            }
            throw node.error("a step has exactly one action, found \(actions.map(\.key).joined(separator: ", "))")
        }
        let at = try node.optional("at")
        let after = try node.optional("after")
        var time = StepTime.same
        switch (at, after) {
        case (let at?, nil): time = .at(try at.timestamp())
        case (nil, let after?):
            let span = try after.timeSpan()
            guard span.milliseconds >= 0 else { throw after.error("'after' must not be negative") }
            time = .after(span)
        case (nil, nil): break
        case (_?, _?): throw node.error("a step has at most one of 'at' and 'after'")
        }
        let expectError = try node.optional("expect_error")?.string()
        let action = try parseAction(kind: kind, body: body, context: context)
        let actor = try node.optional("actor")?.name()
        return FixtureStep(index: index, line: node.line ?? 0, time: time, action: action, expectError: expectError, actor: actor)
    }

    static func queue(_ node: YAMLNode) throws(ArtifactError) -> QueueKind {
        let text = try node.string()
        guard let queue = QueueKind(rawValue: text) else { throw node.error("queue is 'subscribe' or 'redeem', not '\(text)'") }
        return queue
    }

    static func parseAction(kind: String, body: YAMLNode, context: StepContext) throws(ArtifactError) -> StepAction {
        switch kind {
        case "subscribe", "redeem":
            try body.allowOnly(place: "step." + kind)
            let account = try body.required("account").name()
            let decimals = kind == "subscribe" ? context.underlyingDecimals : context.shareDecimals
            let amount = try body.required("amount").amount(decimals: decimals)
            return kind == "subscribe" ? .subscribe(account: account, amount: amount) : .redeem(account: account, amount: amount)
        case "claim", "exit":
            try body.allowOnly(place: "step." + kind)
            let account = try body.required("account").name()
            let queue = try queue(try body.required("queue"))
            return kind == "claim" ? .claim(account: account, queue: queue) : .exit(account: account, queue: queue)
        case "lock":
            try body.allowOnly(place: "step.lock")
            return .lock(queue: try body.optional("queue").map { node throws(ArtifactError) in try queue(node) })
        case "settle":
            try body.allowOnly(place: "step.settle")
            let subscribe = try body.optional("subscribe").map { node throws(ArtifactError) in
                try settleOrder(node, capacityDecimals: context.underlyingDecimals, mintedDecimals: context.shareDecimals)
            }
            let redeem = try body.optional("redeem").map { node throws(ArtifactError) in
                try settleOrder(node, capacityDecimals: context.shareDecimals, mintedDecimals: context.underlyingDecimals)
            }
            return .settle(subscribe: subscribe, redeem: redeem)
        case "report":
            var fields: [ReportField] = []
            for (name, value) in try body.entries() {
                guard name != "time" else { throw value.error("'time' is set by the runtime (the step's time)") }
                fields.append(ReportField(name: name, value: try reportValue(value)))
            }
            // Completeness against the artifact's `reporting` is the runtime's check (code
            // report-invalid), so a fixture can test that an incomplete report is refused.
            return .report(fields)
        case "rate_limit":
            return .rateLimit(try rateLimitOperation(body, decimals: context.underlyingDecimals))
        case "configure":
            return .configure(try configureOperation(body, decimals: context.underlyingDecimals))
        case "tick":
            try body.allowOnly(place: "step.tick")
            return .tick
        case "reload":
            try body.allowOnly(place: "step.reload")
            let policy = ArtifactPath.resolve(try body.required("policy").string(), against: context.file)
            return .reload(policy: policy)
        case "expect":
            return .expect(try Expectation.parse(body, context: context))
        case "freeze":
            try body.allowOnly(place: "step.freeze")
            return .freeze
        case "fund":
            try body.allowOnly(place: "step.fund")
            let account = try body.required("account").name()
            let asset = try body.required("asset").name()
            guard asset == context.unit.underlying || asset == context.unit.share else {
                throw body.error("asset '\(asset)' is not an asset of Unit '\(context.unit.name)' (\(context.unit.underlying), \(context.unit.share))")
            }
            let amount = try body.required("amount").amount(decimals: context.unit.decimals(of: asset))
            return .fund(account: account, asset: asset, amount: amount)
        default:
            let known = StepAction.kinds.joined(separator: ", ")
            throw body.error("unknown step kind '\(kind)' (known: \(known))")
        }
    }

    static func settleOrder(_ node: YAMLNode, capacityDecimals: Int, mintedDecimals: Int) throws(ArtifactError) -> SettleOrderSpec {
        try node.allowOnly(place: "step.settle.<queue>")
        return SettleOrderSpec(capacity: try node.required("capacity").amount(decimals: capacityDecimals),
                               minted: try node.optional("minted")?.amount(decimals: mintedDecimals))
    }

    static func reportValue(_ node: YAMLNode) throws(ArtifactError) -> ReportValue {
        if node.isMapping {
            var fields: [ReportField] = []
            for (name, value) in try node.entries() { fields.append(ReportField(name: name, value: try reportValue(value))) }
            return .record(fields)
        }
        if node.isSequence {
            var values: [ReportValue] = []
            for item in try node.items() { values.append(try reportValue(item)) }
            return .list(values)
        }
        let text = try node.string()
        if text == "true" || text == "false" { return .bool(text == "true") }
        if looksNumeric(text) { return .amount(try node.amount(decimals: 18)) }
        return .text(text)
    }

    static func looksNumeric(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isNumber else { return false }
        return text.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "_" || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+" }
    }

    static func rateLimitOperation(_ node: YAMLNode, decimals: Int) throws(ArtifactError) -> RateLimitOperation {
        try node.allowOnly(place: "step.rate_limit")
        let op = try node.required("op")
        let key = try node.required("key").name()
        switch try op.string() {
        case "set":
            return .set(key: key, maxAmount: try node.required("max").amount(decimals: decimals),
                        slope: try node.required("slope").amount(decimals: decimals),
                        lastAmount: try node.optional("last_amount")?.amount(decimals: decimals),
                        lastUpdated: try node.optional("last_updated")?.timestamp())
        case "set_unlimited": return .setUnlimited(key: key)
        case "consume": return .consume(key: key, amount: try node.required("amount").amount(decimals: decimals))
        case "replenish": return .replenish(key: key, amount: try node.required("amount").amount(decimals: decimals))
        case let other: throw op.error("rate_limit op is set, set_unlimited, consume or replenish, not '\(other)'")
        }
    }

    static func configureOperation(_ node: YAMLNode, decimals: Int) throws(ArtifactError) -> ConfigureOperation {
        try node.allowOnly(place: "step.configure")
        let op = try node.required("op")
        switch try op.string() {
        case "init":
            return .addInit(key: try node.required("key").name(),
                            maxAmount: try node.required("max").amount(decimals: decimals),
                            slope: try node.required("slope").amount(decimals: decimals))
        case "file":
            let hop = try node.optional("hop")?.timeSpan()
            let maxChange = try node.optional("max_change").map { node throws(ArtifactError) in try ConfiguratorSpec.parseMaxChange(node) }
            guard hop != nil || maxChange != nil else { throw node.error("configure file sets 'hop' and/or 'max_change'") }
            return .file(hop: hop, maxChange: maxChange)
        case "set_rate_limit":
            return .setRateLimit(key: try node.required("key").name(),
                                 maxAmount: try node.required("max").amount(decimals: decimals),
                                 slope: try node.required("slope").amount(decimals: decimals))
        case let other: throw op.error("configure op is init, file or set_rate_limit, not '\(other)'")
        }
    }
}
