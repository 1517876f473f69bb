import HaloCore

/// An amount that may be `unlimited` (rate limits).
public enum LimitValue: Sendable, Equatable, CustomStringConvertible {
    case unlimited
    case amount(Amount)

    public var description: String {
        switch self {
        case .unlimited: return "unlimited"
        case .amount(let amount): return amount.description
        }
    }
}

/// Expected values of one queue; nil fields are not checked.
public struct QueueExpectation: Sendable, Equatable {
    public var status: String?
    public var generation: Int?
    public var totalShares: Amount?
    public var totalUnderlying: Amount?
    public var rewardPerToken: Rate?
}

/// Expected values of one rate limit; nil fields are not checked.
public struct RateLimitExpectation: Sendable, Equatable {
    public var current: LimitValue?
    public var maxAmount: LimitValue?
    public var slope: Amount?
    public var lastAmount: LimitValue?
    public var lastUpdated: Timestamp?
}

/// An `expect` step: only what it names is checked.
public struct Expectation: Sendable, Equatable {
    /// account -> asset -> balance ("0" checks a zero balance).
    public var accounts: [(account: String, balances: [(asset: String, amount: Amount)])] = []
    /// Queue checks.
    public var queues: [(queue: QueueKind, expected: QueueExpectation)] = []
    /// Rate-limit checks.
    public var rateLimits: [(key: String, expected: RateLimitExpectation)] = []
    /// The exchange rate.
    public var exchangeRate: Rate?
    /// The distinct signal codes raised so far (set equality).
    public var signals: [String]?
    /// The distinct action names applied so far (set equality).
    public var actions: [String]?
    /// The runtime's flags (`subscriptions_halted`, `relayer_frozen`, `skip_next_cycle`, `migrating`).
    public var flags: [(name: String, value: Bool)] = []
    /// The Unit's own accounts (`unit:alm`, ...): account -> asset -> balance.
    public var unitAccounts: [(account: String, balances: [(asset: String, amount: Amount)])] = []
    /// Keys of the policy's `ctx.state`, each compared by its text (an amount by its decimal string).
    public var state: [ReportField] = []

    public static func == (a: Expectation, b: Expectation) -> Bool {
        a.accounts.map { "\($0.account)=\($0.balances.map { "\($0.asset):\($0.amount)" })" }
            == b.accounts.map { "\($0.account)=\($0.balances.map { "\($0.asset):\($0.amount)" })" }
            && a.queues.map(\.queue) == b.queues.map(\.queue) && a.queues.map(\.expected) == b.queues.map(\.expected)
            && a.rateLimits.map(\.key) == b.rateLimits.map(\.key) && a.rateLimits.map(\.expected) == b.rateLimits.map(\.expected)
            && a.exchangeRate == b.exchangeRate && a.signals == b.signals && a.actions == b.actions
            && a.flags.map { "\($0.name)=\($0.value)" } == b.flags.map { "\($0.name)=\($0.value)" }
            && a.unitAccounts.map { "\($0.account)=\($0.balances.map { "\($0.asset):\($0.amount)" })" }
            == b.unitAccounts.map { "\($0.account)=\($0.balances.map { "\($0.asset):\($0.amount)" })" }
            && a.state == b.state
    }

    static func parse(_ node: YAMLNode, context: StepContext) throws(ArtifactError) -> Expectation {
        try node.allowOnly(place: "expect")
        var result = Expectation()
        func balances(_ node: YAMLNode) throws(ArtifactError) -> [(account: String, balances: [(asset: String, amount: Amount)])] {
            var result: [(account: String, balances: [(asset: String, amount: Amount)])] = []
            for (account, balancesNode) in try node.entries() {
                var balances: [(asset: String, amount: Amount)] = []
                for (asset, value) in try balancesNode.entries() {
                    balances.append((asset, try value.amount(decimals: context.unit.decimals(of: asset))))
                }
                result.append((account, balances))
            }
            return result
        }
        if let accounts = try node.optional("accounts") { result.accounts = try balances(accounts) }
        if let accounts = try node.optional("unit_accounts") { result.unitAccounts = try balances(accounts) }
        if let flags = try node.optional("flags") {
            try flags.allowOnly(place: "expect.flags")
            for (name, value) in try flags.entries() { result.flags.append((name, try value.bool())) }
        }
        if let state = try node.optional("state") {
            for (key, value) in try state.entries() { result.state.append(ReportField(name: key, value: try FixtureStep.reportValue(value))) }
        }
        if let queues = try node.optional("queues") {
            for (name, value) in try queues.entries() {
                guard let queue = QueueKind(rawValue: name) else {
                    throw value.error("queue is 'subscribe' or 'redeem', not '\(name)'")
                }
                try value.allowOnly(place: "expect.queues.<queue>")
                let decimals = queue == .subscribe ? context.underlyingDecimals : context.shareDecimals
                var expected = QueueExpectation()
                if let status = try value.optional("status") {
                    let text = try status.string().lowercased()
                    guard ["dormant", "active", "locked"].contains(text) else {
                        throw status.error("status is dormant, active or locked, not '\(text)'")
                    }
                    expected.status = text
                }
                expected.generation = try value.optional("generation")?.int()
                expected.totalShares = try value.optional("total_shares")?.amount(decimals: decimals)
                expected.totalUnderlying = try value.optional("total_underlying")?.amount(decimals: decimals)
                expected.rewardPerToken = try value.optional("reward_per_token")?.rate()
                result.queues.append((queue, expected))
            }
        }
        if let limits = try node.optional("rate_limits") {
            let decimals = context.underlyingDecimals
            for (key, value) in try limits.entries() {
                try value.allowOnly(place: "expect.rate_limits.<key>")
                var expected = RateLimitExpectation()
                expected.current = try value.optional("current").map { node throws(ArtifactError) in try limitValue(node, decimals) }
                expected.maxAmount = try value.optional("max").map { node throws(ArtifactError) in try limitValue(node, decimals) }
                expected.slope = try value.optional("slope")?.amount(decimals: decimals)
                expected.lastAmount = try value.optional("last_amount").map { node throws(ArtifactError) in try limitValue(node, decimals) }
                expected.lastUpdated = try value.optional("last_updated")?.timestamp()
                result.rateLimits.append((key, expected))
            }
        }
        result.exchangeRate = try node.optional("exchange_rate")?.rate()
        if let signals = try node.optional("signals") { result.signals = try signals.names() }
        else if try node.entries().contains(where: { $0.key == "signals" }) { result.signals = [] }
        if let actions = try node.optional("actions") { result.actions = try actions.names() }
        else if try node.entries().contains(where: { $0.key == "actions" }) { result.actions = [] }
        return result
    }

    static func limitValue(_ node: YAMLNode, _ decimals: Int) throws(ArtifactError) -> LimitValue {
        if try node.string() == "unlimited" { return .unlimited }
        return .amount(try node.amount(decimals: decimals))
    }
}
