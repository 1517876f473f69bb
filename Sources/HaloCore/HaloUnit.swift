/// One Halo Unit as its Sentinel owns it: the ledger, the subscribe and redeem LCTS queues,
/// the exchange rate, the PAU (rate limits, Configurator, Controller) and the flows between
/// them (DOMAIN.md §2, §3, §5).
///
/// Every operation is atomic, checks everything before changing anything, and records
/// exactly one ledger entry; a refused operation changes nothing, the ledger included.
/// After every operation: per asset the balances add up to issued minus burned, no balance
/// is negative, and each queue account holds exactly its queue's underlying plus its
/// unclaimed reward (see ``verifyInvariants()``).
///
/// System accounts: `unit:subscribe-queue`, `unit:redeem-queue`, `unit:alm-proxy`,
/// `unit:asset-manager`. Every other name is an external account (a Prime). Amounts are
/// base units.
///
/// ```swift
/// var unit = HaloUnit(underlying: "USDS", share: "TBILL-A")
/// let t = try Timestamp(iso8601: "2026-03-02T09:00:00Z")
/// try unit.fund(account: "alice", asset: "USDS", amount: tokens("1000"), at: t)
/// try unit.subscribe(account: "alice", amount: tokens("1000"), at: t)
/// try unit.lock(queue: nil, at: t)
/// try unit.setRateLimit(key: "deposit", maxAmount: tokens("1000000"), slope: .zero, at: t)
/// try unit.settle(subscribe: SettleOrder(capacity: tokens("1000"), minted: tokens("980")), redeem: nil, at: t)
/// try unit.claim(account: "alice", queue: .subscribe, at: t)
/// unit.ledger.balance(of: "alice", asset: "TBILL-A")   // 980 tokens
/// ```
public struct HaloUnit: Sendable, Equatable, Codable {
    /// The subscribe queue's account (holds subscribed USDS and minted shares).
    public static let subscribeQueueAccount = "unit:subscribe-queue"
    /// The redeem queue's account (holds redeemed shares and USDS proceeds).
    public static let redeemQueueAccount = "unit:redeem-queue"
    /// The PAU's ALM proxy: every flow to or from the asset manager passes through it.
    public static let almProxyAccount = "unit:alm-proxy"
    /// The asset manager's position as seen by the book.
    public static let assetManagerAccount = "unit:asset-manager"
    /// The rate limit key of USDS flowing to the asset manager.
    public static let depositKey = "deposit"
    /// The rate limit key of USDS flowing back from the asset manager.
    public static let withdrawKey = "withdraw"

    /// The underlying asset (`USDS`).
    public let underlying: String
    /// The Unit's share asset (`TBILL-A`).
    public let share: String
    /// Decimals of both assets, for the parameters written to ledger entries.
    public let decimals: UInt8
    /// The double-entry book with the audit log.
    public private(set) var ledger = Ledger()
    /// The subscribe queue (underlying in, shares out).
    public private(set) var subscribeQueue = LCTSQueue()
    /// The redeem queue (shares in, underlying out).
    public private(set) var redeemQueue = LCTSQueue()
    /// USDS value of one share, WAD.
    public private(set) var exchangeRate: Rate
    /// The PAU's rate limits.
    public private(set) var rateLimits = RateLimits()
    /// The PAU's Configurator (SORL).
    public private(set) var configurator: Configurator
    /// The PAU's Controller (relayer, freeze).
    public private(set) var controller: Controller
    /// Whether subscriptions are halted (an emergency response).
    public private(set) var subscriptionsHalted = false

    /// A Unit with empty books. Starts with `relayer` as the PAU's relayer (DOMAIN.md §5).
    ///
    /// ```swift
    /// HaloUnit(underlying: "USDS", share: "TBILL-A", exchangeRate: try Rate(parsing: "1.02"))
    /// ```
    public init(underlying: String = "USDS", share: String, decimals: UInt8 = 18, exchangeRate: Rate = .one,
                configurator: Configurator = Configurator(), relayer: String? = "sentinel") {
        self.underlying = underlying
        self.share = share
        self.decimals = decimals
        self.exchangeRate = exchangeRate
        self.configurator = configurator
        self.controller = Controller(relayer: relayer)
    }

    /// Keeps at most about `count` recent ledger entries in memory (nil: all). A Sentinel whose
    /// journal is the durable record sets this so memory stays flat over millions of events;
    /// 0 keeps balances only, with no entries built or hashed (``Ledger/retainedEntries``), for
    /// a simulation that is never audited.
    public mutating func retainLedgerEntries(_ count: Int?) {
        ledger.retainedEntries = count
    }

    /// A queue by kind.
    ///
    /// ```swift
    /// unit.queue(.subscribe).status
    /// ```
    public func queue(_ kind: QueueKind) -> LCTSQueue {
        kind == .subscribe ? subscribeQueue : redeemQueue
    }

    /// The ledger account of a queue.
    ///
    /// ```swift
    /// HaloUnit.account(of: .redeem)   // "unit:redeem-queue"
    /// ```
    public static func account(of kind: QueueKind) -> String {
        kind == .subscribe ? subscribeQueueAccount : redeemQueueAccount
    }

    /// Whether a name is one of the Unit's own accounts (`unit:` prefix).
    ///
    /// ```swift
    /// HaloUnit.isSystemAccount("unit:alm-proxy")   // true
    /// ```
    public static func isSystemAccount(_ name: String) -> Bool { name.hasPrefix("unit:") }

    /// The asset a queue takes in.
    ///
    /// ```swift
    /// unit.depositAsset(of: .redeem)   // "TBILL-A"
    /// ```
    public func depositAsset(of kind: QueueKind) -> String { kind == .subscribe ? underlying : share }

    /// The asset a queue pays out as reward.
    ///
    /// ```swift
    /// unit.rewardAsset(of: .redeem)   // "USDS"
    /// ```
    public func rewardAsset(of kind: QueueKind) -> String { kind == .subscribe ? share : underlying }

    // MARK: Money in and the queues

    /// Money arriving from outside (a Prime's USDS, or assets the manager reports). Refused
    /// for the queue and proxy accounts (`not-authorized`), whose balances only flows move.
    ///
    /// ```swift
    /// try unit.fund(account: "alice", asset: "USDS", amount: tokens("1000"), at: now)
    /// ```
    public mutating func fund(account: String, asset: String, amount: UInt256, source: String = "external",
                              at time: Timestamp) throws(HaloError) {
        if HaloUnit.isSystemAccount(account), account != HaloUnit.assetManagerAccount {
            throw .notAuthorized("\(account) is funded only by Unit flows")
        }
        guard !amount.isZero else { throw .zeroAmount }
        let decimals = self.decimals
        try ledger.post(time: time, actor: source, action: "fund",
                          parameters: ["account": account, "asset": asset, "amount": Self.format(amount, decimals), "source": source],
                          postings: [.issue(asset: asset, to: account, amount: amount, source: source)])
    }

    /// Puts USDS from `account` into the subscribe queue. Refused while subscriptions are
    /// halted (`subscriptions-halted`) and by every queue rule (`zero-amount`,
    /// `queue-locked`) or ledger rule (`insufficient-balance`).
    ///
    /// ```swift
    /// try unit.subscribe(account: "alice", amount: tokens("1000"), at: now)
    /// ```
    @discardableResult
    public mutating func subscribe(account: String, amount: UInt256, at time: Timestamp) throws(HaloError)
        -> LCTSQueue.DepositOutcome
    {
        guard !subscriptionsHalted else { throw .subscriptionsHalted }
        return try deposit(.subscribe, account: account, amount: amount, at: time)
    }

    /// Puts shares from `account` into the redeem queue.
    ///
    /// ```swift
    /// try unit.redeem(account: "alice", amount: tokens("500"), at: now)
    /// ```
    @discardableResult
    public mutating func redeem(account: String, amount: UInt256, at time: Timestamp) throws(HaloError)
        -> LCTSQueue.DepositOutcome
    {
        try deposit(.redeem, account: account, amount: amount, at: time)
    }

    /// Pays the account's pending reward from the queue: shares from the subscribe queue,
    /// USDS from the redeem queue. Returns the amount paid (0 records an entry too).
    ///
    /// ```swift
    /// try unit.claim(account: "alice", queue: .subscribe, at: now)
    /// ```
    @discardableResult
    public mutating func claim(account: String, queue kind: QueueKind, at time: Timestamp) throws(HaloError) -> UInt256 {
        try requireExternal(account)
        // Planned on the stored queue: `queue(kind)` would copy it (and retain its tables).
        let (reward, transition) = kind == .subscribe
            ? try subscribeQueue.planClaim(account: account) : try redeemQueue.planClaim(account: account)
        let queueAccount = HaloUnit.account(of: kind)
        let postings: [Posting] = reward.isZero
            ? [] : [.transfer(asset: rewardAsset(of: kind), from: queueAccount, to: account, amount: reward)]
        let decimals = self.decimals
        try ledger.post(time: time, actor: account, action: "claim",
                          parameters: ["account": account, "queue": kind.rawValue, "reward": Self.format(reward, decimals)],
                          postings: postings)
        applyQueue(kind, transition)
        return reward
    }

    /// Claims and takes the whole position's underlying back out of the queue.
    ///
    /// ```swift
    /// let (reward, underlying) = try unit.exit(account: "alice", queue: .subscribe, at: now)
    /// ```
    @discardableResult
    public mutating func exit(account: String, queue kind: QueueKind, at time: Timestamp) throws(HaloError)
        -> (reward: UInt256, underlying: UInt256)
    {
        try requireExternal(account)
        let (result, transition) = kind == .subscribe
            ? try subscribeQueue.planExit(account: account) : try redeemQueue.planExit(account: account)
        let queueAccount = HaloUnit.account(of: kind)
        var postings: [Posting] = []
        postings.reserveCapacity(2)
        if !result.reward.isZero {
            postings.append(.transfer(asset: rewardAsset(of: kind), from: queueAccount, to: account, amount: result.reward))
        }
        if !result.underlying.isZero {
            postings.append(.transfer(asset: depositAsset(of: kind), from: queueAccount, to: account,
                                      amount: result.underlying))
        }
        let decimals = self.decimals
        try ledger.post(time: time, actor: account, action: "exit",
                          parameters: ["account": account, "queue": kind.rawValue, "reward": Self.format(result.reward, decimals),
                                       "underlying": Self.format(result.underlying, decimals)],
                          postings: postings)
        applyQueue(kind, transition)
        return result
    }

    /// Locks one queue, or both when `queue` is nil. Locking a dormant or locked queue is a
    /// no-op; the entry records which queues changed.
    ///
    /// ```swift
    /// try unit.lock(queue: nil, at: now)
    /// ```
    public mutating func lock(queue kind: QueueKind?, at time: Timestamp, actor: String = "sentinel") throws(HaloError) {
        let kinds = kind.map { [$0] } ?? QueueKind.allCases
        var parameters = ["queue": kind?.rawValue ?? "both"]
        for k in kinds { parameters[k.rawValue] = queue(k).status == .active ? "locked" : "unchanged" }
        try ledger.post(time: time, actor: actor, action: "lock", parameters: parameters, postings: [])
        for k in kinds {
            if k == .subscribe { subscribeQueue.lock() } else { redeemQueue.lock() }
        }
    }

    // MARK: Settlement

    /// Settles the locked queues (DOMAIN.md §2 "Pairing and netting"):
    ///
    /// 1. each side converts `min(capacity, totalUnderlying)`; `minted` defaults to the
    ///    exchange rate (subscribe `convert * WAD / rate` shares, redeem `convert * rate / WAD` USDS);
    /// 2. the sides net: matched USDS goes straight from the subscribe queue to the redeem queue;
    /// 3. the subscribe remainder goes subscribe queue -> ALM proxy -> asset manager, through
    ///    the `deposit` rate limit;
    /// 4. subscribe `minted` shares are issued into the subscribe queue; the redeem side's
    ///    converted shares are burned from the redeem queue;
    /// 5. the redeem USDS not covered by netting comes through the `withdraw` rate limit:
    ///    from the asset manager's book balance, any excess issued (source `asset-manager`)
    ///    as an external inflow, via the ALM proxy into the redeem queue.
    ///
    /// Flows to or from the manager need a relayer (`relayer-frozen`) and room in their rate
    /// limit (`rate-limit-not-set`, `rate-limit-exceeded`); netting alone needs neither
    /// (ours). A nil order leaves that queue alone; an order on a dormant queue is a no-op,
    /// on an active one `not-locked`.
    ///
    /// ```swift
    /// let report = try unit.settle(subscribe: SettleOrder(capacity: tokens("1000")),
    ///                              redeem: SettleOrder(capacity: tokens("500"), minted: tokens("510")),
    ///                              at: now)
    /// report.matched   // USDS that never left the Unit
    /// ```
    @discardableResult
    public mutating func settle(subscribe: SettleOrder?, redeem: SettleOrder?, at time: Timestamp,
                                actor: String = "sentinel") throws(HaloError) -> SettlementReport {
        let rate = exchangeRate
        var subscribePlan: (LCTSQueue.SettleOutcome, LCTSQueue.Transition)?
        if let order = subscribe {
            subscribePlan = try subscribeQueue.planSettle(capacity: order.capacity) { (converted) throws(HaloError) in
                if let minted = order.minted { return minted }
                return try checked { () throws(AmountError) in try UInt256.mulDiv(converted, .wad, rate.wad) }
            }
        }
        var redeemPlan: (LCTSQueue.SettleOutcome, LCTSQueue.Transition)?
        if let order = redeem {
            redeemPlan = try redeemQueue.planSettle(capacity: order.capacity) { (converted) throws(HaloError) in
                if let minted = order.minted { return minted }
                return try checked { () throws(AmountError) in try UInt256.mulDiv(converted, rate.wad, .wad) }
            }
        }
        let subscribed = subscribePlan?.0 ?? LCTSQueue.SettleOutcome(converted: .zero, minted: .zero, finalizedGeneration: nil)
        let redeemed = redeemPlan?.0 ?? LCTSQueue.SettleOutcome(converted: .zero, minted: .zero, finalizedGeneration: nil)
        let netting = Netting(subscribeConverted: subscribed.converted, redeemProceeds: redeemed.minted)
        let toManager = netting.subscribeRemainder
        let fromManager = netting.redeemRemainder

        var limits = rateLimits
        if !toManager.isZero || !fromManager.isZero { try controller.requireRelayer() }
        if !toManager.isZero { try limits.consume(key: HaloUnit.depositKey, amount: toManager, at: time) }
        if !fromManager.isZero { try limits.consume(key: HaloUnit.withdrawKey, amount: fromManager, at: time) }

        let subscribeAccount = HaloUnit.subscribeQueueAccount, redeemAccount = HaloUnit.redeemQueueAccount
        let proxy = HaloUnit.almProxyAccount, manager = HaloUnit.assetManagerAccount
        var postings: [Posting] = []
        if !netting.matched.isZero {
            postings.append(.transfer(asset: underlying, from: subscribeAccount, to: redeemAccount, amount: netting.matched))
        }
        if !toManager.isZero {
            postings.append(.transfer(asset: underlying, from: subscribeAccount, to: proxy, amount: toManager))
            postings.append(.transfer(asset: underlying, from: proxy, to: manager, amount: toManager))
        }
        if !subscribed.minted.isZero {
            postings.append(.issue(asset: share, to: subscribeAccount, amount: subscribed.minted, source: "unit"))
        }
        if !redeemed.converted.isZero {
            postings.append(.burn(asset: share, from: redeemAccount, amount: redeemed.converted, sink: "unit"))
        }
        // What the manager's book balance covers is a transfer; the rest arrives from outside
        // (DOMAIN.md §5: a redeem settle never fails for lack of on-chain USDS).
        var fromManagerBalance = UInt256.zero
        var externalInflow = UInt256.zero
        if !fromManager.isZero {
            fromManagerBalance = Swift.min(fromManager, ledger.balance(of: manager, asset: underlying))
            externalInflow = try checked { () throws(AmountError) in try fromManager.subtracting(fromManagerBalance) }
            if !fromManagerBalance.isZero {
                postings.append(.transfer(asset: underlying, from: manager, to: proxy, amount: fromManagerBalance))
            }
            if !externalInflow.isZero {
                postings.append(.issue(asset: underlying, to: proxy, amount: externalInflow, source: "asset-manager"))
            }
            postings.append(.transfer(asset: underlying, from: proxy, to: redeemAccount, amount: fromManager))
        }
        let report = SettlementReport(
            subscribe: subscribePlan?.0, redeem: redeemPlan?.0, exchangeRate: rate, matched: netting.matched,
            toAssetManager: toManager, fromAssetManager: fromManager, fromAssetManagerBalance: fromManagerBalance,
            externalInflow: externalInflow)
        var parameters: [String: String] = [
            "exchange_rate": rate.description, "matched": format(netting.matched),
            "to_asset_manager": format(toManager), "from_asset_manager": format(fromManager),
        ]
        if let s = subscribePlan?.0 {
            parameters["subscribe.capacity"] = format(subscribe!.capacity)
            parameters["subscribe.converted"] = format(s.converted)
            parameters["subscribe.minted"] = format(s.minted)
        }
        if let r = redeemPlan?.0 {
            parameters["redeem.capacity"] = format(redeem!.capacity)
            parameters["redeem.converted"] = format(r.converted)
            parameters["redeem.minted"] = format(r.minted)
        }
        try ledger.post(time: time, actor: actor, action: "settle", parameters: parameters, postings: postings)
        if let plan = subscribePlan { subscribeQueue.apply(plan.1) }
        if let plan = redeemPlan { redeemQueue.apply(plan.1) }
        rateLimits = limits
        return report
    }

    /// Orders for a net-flow-only settlement (DOMAIN.md §4 fallback; also the only
    /// settlement possible while frozen): the redeem side converts as many shares as the
    /// subscribed USDS can pay at the current rate, and the subscribe side converts exactly
    /// those proceeds, so nothing flows to or from the asset manager. Uses the rate for
    /// both `minted` values. Queues that are not locked get zero capacity.
    ///
    /// ```swift
    /// let orders = try unit.netOnlyOrders()
    /// try unit.settle(subscribe: orders.subscribe, redeem: orders.redeem, at: now)
    /// ```
    public func netOnlyOrders() throws(HaloError) -> (subscribe: SettleOrder, redeem: SettleOrder) {
        let rate = exchangeRate
        let subscribed = subscribeQueue.status == .locked ? subscribeQueue.totalUnderlying : .zero
        let redeemable = redeemQueue.status == .locked ? redeemQueue.totalUnderlying : .zero
        return try checked { () throws(AmountError) in
            let value = try UInt256.mulDiv(redeemable, rate.wad, .wad)
            let shares = value <= subscribed ? redeemable : try UInt256.mulDiv(subscribed, .wad, rate.wad)
            let proceeds = try UInt256.mulDiv(shares, rate.wad, .wad)
            return (SettleOrder(capacity: proceeds), SettleOrder(capacity: shares))
        }
    }

    // MARK: Exchange rate, halts, controller

    /// Sets the exchange rate (the USDS value of one share). Zero is refused
    /// (`invalid-exchange-rate`).
    ///
    /// ```swift
    /// try unit.setExchangeRate(try Rate(parsing: "1.0004"), at: now)
    /// ```
    public mutating func setExchangeRate(_ rate: Rate, at time: Timestamp, actor: String = "sentinel") throws(HaloError) {
        guard !rate.wad.isZero else { throw .invalidExchangeRate }
        try ledger.post(time: time, actor: actor, action: "set-exchange-rate",
                          parameters: ["previous": exchangeRate.description, "rate": rate.description], postings: [])
        exchangeRate = rate
    }

    /// Halts subscriptions (redeem, claim and exit keep working).
    ///
    /// ```swift
    /// try unit.haltSubscriptions(at: now)
    /// ```
    public mutating func haltSubscriptions(at time: Timestamp, actor: String = "sentinel") throws(HaloError) {
        try ledger.post(time: time, actor: actor, action: "halt-subscriptions", parameters: [:], postings: [])
        subscriptionsHalted = true
    }

    /// Resumes subscriptions.
    ///
    /// ```swift
    /// try unit.resumeSubscriptions(at: now)
    /// ```
    public mutating func resumeSubscriptions(at time: Timestamp, actor: String = "sentinel") throws(HaloError) {
        try ledger.post(time: time, actor: actor, action: "resume-subscriptions", parameters: [:], postings: [])
        subscriptionsHalted = false
    }

    /// The freezer removes the relayer: every flow stops until ``setRelayer(_:at:actor:)``.
    ///
    /// ```swift
    /// try unit.freeze(at: now)
    /// ```
    public mutating func freeze(at time: Timestamp, actor: String = "freezer") throws(HaloError) {
        try ledger.post(time: time, actor: actor, action: "freeze",
                          parameters: ["relayer": controller.relayer ?? ""], postings: [])
        controller.freeze()
    }

    /// Installs a relayer (governance).
    ///
    /// ```swift
    /// try unit.setRelayer("sentinel", at: now)
    /// ```
    public mutating func setRelayer(_ relayer: String, at time: Timestamp, actor: String = "governance") throws(HaloError) {
        try ledger.post(time: time, actor: actor, action: "set-relayer", parameters: ["relayer": relayer], postings: [])
        controller.setRelayer(relayer)
    }

    // MARK: Rate limits (governance / controller level)

    /// Sets a limit directly, starting full (governance level, no SORL).
    ///
    /// ```swift
    /// try unit.setRateLimit(key: "deposit", maxAmount: tokens("10000000"), slope: tokens("115.74"), at: now)
    /// ```
    public mutating func setRateLimit(key: String, maxAmount: UInt256, slope: UInt256, at time: Timestamp,
                                      actor: String = "governance") throws(HaloError) {
        let decimals = self.decimals
        try ledger.post(time: time, actor: actor, action: "rate-limit-set",
                          parameters: ["key": key, "max": Self.format(maxAmount, decimals), "slope": Self.format(slope, decimals)], postings: [])
        rateLimits.set(key: key, maxAmount: maxAmount, slope: slope, at: time)
    }

    /// Sets all four fields of a limit (`invalid-last-amount`, `invalid-last-updated`).
    ///
    /// ```swift
    /// try unit.setRateLimit(key: "k", maxAmount: UInt256(100), slope: UInt256(10), lastAmount: UInt256(1),
    ///                       lastUpdated: now, at: now)
    /// ```
    public mutating func setRateLimit(key: String, maxAmount: UInt256, slope: UInt256, lastAmount: UInt256,
                                      lastUpdated: Timestamp, at time: Timestamp, actor: String = "governance") throws(HaloError) {
        var limits = rateLimits
        try limits.set(key: key, maxAmount: maxAmount, slope: slope, lastAmount: lastAmount, lastUpdated: lastUpdated, at: time)
        let decimals = self.decimals
        try ledger.post(time: time, actor: actor, action: "rate-limit-set",
                          parameters: ["key": key, "max": Self.format(maxAmount, decimals), "slope": Self.format(slope, decimals),
                                       "last_amount": Self.format(lastAmount, decimals), "last_updated": lastUpdated.iso8601],
                          postings: [])
        rateLimits = limits
    }

    /// Makes a limit unlimited.
    ///
    /// ```swift
    /// try unit.setUnlimitedRateLimit(key: "withdraw", at: now)
    /// ```
    public mutating func setUnlimitedRateLimit(key: String, at time: Timestamp, actor: String = "governance") throws(HaloError) {
        try ledger.post(time: time, actor: actor, action: "rate-limit-set-unlimited", parameters: ["key": key], postings: [])
        rateLimits.setUnlimited(key: key, at: time)
    }

    /// Records a flow against a limit (a controller action: needs a relayer). Returns the
    /// new current amount.
    ///
    /// ```swift
    /// try unit.consumeRateLimit(key: "deposit", amount: tokens("12"), at: now)
    /// ```
    @discardableResult
    public mutating func consumeRateLimit(key: String, amount: UInt256, at time: Timestamp,
                                          actor: String = "sentinel") throws(HaloError) -> UInt256 {
        try controller.requireRelayer()
        var limits = rateLimits
        let left = try limits.consume(key: key, amount: amount, at: time)
        let decimals = self.decimals
        try ledger.post(time: time, actor: actor, action: "rate-limit-consume",
                          parameters: ["key": key, "amount": Self.format(amount, decimals)], postings: [])
        rateLimits = limits
        return left
    }

    /// Undoes a flow against a limit (allowed while frozen, ours: it only lowers exposure).
    ///
    /// ```swift
    /// try unit.replenishRateLimit(key: "deposit", amount: tokens("12"), at: now)
    /// ```
    @discardableResult
    public mutating func replenishRateLimit(key: String, amount: UInt256, at time: Timestamp,
                                            actor: String = "sentinel") throws(HaloError) -> UInt256 {
        var limits = rateLimits
        let left = try limits.replenish(key: key, amount: amount, at: time)
        let decimals = self.decimals
        try ledger.post(time: time, actor: actor, action: "rate-limit-replenish",
                          parameters: ["key": key, "amount": Self.format(amount, decimals)], postings: [])
        rateLimits = limits
        return left
    }

    // MARK: Configurator

    /// Approves an init for a key (governance; timelock not modelled here).
    ///
    /// ```swift
    /// try unit.addInit(key: "deposit", maxAmount: tokens("10000000"), slope: tokens("115.74"), at: now)
    /// ```
    public mutating func addInit(key: String, maxAmount: UInt256, slope: UInt256, at time: Timestamp,
                                 actor: String = "governance") throws(HaloError) {
        let decimals = self.decimals
        try ledger.post(time: time, actor: actor, action: "configure-init",
                          parameters: ["key": key, "max": Self.format(maxAmount, decimals), "slope": Self.format(slope, decimals)], postings: [])
        configurator.addInit(key: key, maxAmount: maxAmount, slope: slope)
    }

    /// Files SORL parameters (governance).
    ///
    /// ```swift
    /// try unit.fileConfigurator(hop: TimeSpan(seconds: 86_400), maxChange: nil, at: now)
    /// ```
    public mutating func fileConfigurator(hop: TimeSpan?, maxChange: Rate?, at time: Timestamp,
                                          actor: String = "governance") throws(HaloError) {
        var parameters: [String: String] = [:]
        if let hop { parameters["hop"] = hop.description }
        if let maxChange { parameters["max_change"] = maxChange.description }
        try ledger.post(time: time, actor: actor, action: "configure-file", parameters: parameters, postings: [])
        configurator.file(hop: hop, maxChange: maxChange)
    }

    /// Changes a rate limit through the Configurator's SORL (the Sentinel's cBEAM path).
    ///
    /// ```swift
    /// try unit.configureRateLimit(key: "deposit", maxAmount: tokens("125000"), slope: .zero, at: now)
    /// ```
    public mutating func configureRateLimit(key: String, maxAmount: UInt256, slope: UInt256, at time: Timestamp,
                                            actor: String = "sentinel") throws(HaloError) {
        var configurator = self.configurator
        var limits = rateLimits
        try configurator.setRateLimit(key: key, maxAmount: maxAmount, slope: slope, at: time, limits: &limits)
        let decimals = self.decimals
        try ledger.post(time: time, actor: actor, action: "configure-set-rate-limit",
                          parameters: ["key": key, "max": maxAmount == .max ? "unlimited" : Self.format(maxAmount, decimals),
                                       "slope": Self.format(slope, decimals)], postings: [])
        self.configurator = configurator
        rateLimits = limits
    }

    // MARK: Invariants

    /// Checks the Unit's invariants: per asset conservation and, for each queue, that its
    /// account holds exactly its `totalUnderlying` of the deposit asset and
    /// `rewardMinted - rewardPaid` of the reward asset (which covers every account's
    /// pending reward, rounding dust included). Throws `ledger-invalid` with the reason.
    ///
    /// ```swift
    /// try unit.verifyInvariants()
    /// ```
    public func verifyInvariants() throws(HaloError) {
        try ledger.verifyConservation()
        for kind in QueueKind.allCases {
            let q = queue(kind)
            let account = HaloUnit.account(of: kind)
            let held = ledger.balance(of: account, asset: depositAsset(of: kind))
            guard held == q.totalUnderlying else {
                throw .ledgerInvalid("\(account) holds \(held) \(depositAsset(of: kind)), queue owes \(q.totalUnderlying)")
            }
            let owed = try checked { () throws(AmountError) in try q.rewardMinted.subtracting(q.rewardPaid) }
            let rewards = ledger.balance(of: account, asset: rewardAsset(of: kind))
            guard rewards == owed else {
                throw .ledgerInvalid("\(account) holds \(rewards) \(rewardAsset(of: kind)), unclaimed reward is \(owed)")
            }
        }
    }

    // MARK: Helpers

    private mutating func deposit(_ kind: QueueKind, account: String, amount: UInt256, at time: Timestamp) throws(HaloError)
        -> LCTSQueue.DepositOutcome
    {
        try requireExternal(account)
        // Planned on the stored queue: `queue(kind)` would copy it (and retain its tables).
        let (outcome, transition) = kind == .subscribe
            ? try subscribeQueue.planDeposit(account: account, amount: amount)
            : try redeemQueue.planDeposit(account: account, amount: amount)
        let queueAccount = HaloUnit.account(of: kind)
        let deposited = Posting.transfer(asset: depositAsset(of: kind), from: account, to: queueAccount, amount: amount)
        let postings: [Posting] = outcome.rewardPaid.isZero
            ? [deposited]
            : [.transfer(asset: rewardAsset(of: kind), from: queueAccount, to: account, amount: outcome.rewardPaid), deposited]
        let decimals = self.decimals
        try ledger.post(time: time, actor: account, action: kind == .subscribe ? "subscribe" : "redeem",
                          parameters: ["account": account, "amount": Self.format(amount, decimals), "shares": Self.format(outcome.shares, decimals),
                                       "generation": String(outcome.generation), "reward_paid": Self.format(outcome.rewardPaid, decimals)],
                          postings: postings)
        applyQueue(kind, transition)
        return outcome
    }

    private mutating func applyQueue(_ kind: QueueKind, _ transition: LCTSQueue.Transition) {
        if kind == .subscribe { subscribeQueue.apply(transition) } else { redeemQueue.apply(transition) }
    }

    private func requireExternal(_ account: String) throws(HaloError) {
        if HaloUnit.isSystemAccount(account) { throw .notAuthorized("\(account) is a Unit account, not a depositor") }
    }

    private func format(_ units: UInt256) -> String { Self.format(units, decimals) }

    // The recording sites pass their parameters to `Ledger.post` unevaluated (a balances-only
    // book never formats them), so they format with a copy of `decimals`, not through `self`:
    // the closure may not capture `self` while `self.ledger` is being changed.
    private static func format(_ units: UInt256, _ decimals: UInt8) -> String { Amount(units: units, decimals: decimals).description }
}

/// What the Sentinel decided for one queue at settlement.
///
/// ```swift
/// SettleOrder(capacity: tokens("1000"), minted: tokens("980"))
/// SettleOrder(capacity: tokens("1000"))   // minted from the exchange rate
/// ```
public struct SettleOrder: Sendable, Hashable, Codable {
    /// The most the queue may convert, in its deposit asset.
    public var capacity: UInt256
    /// The reward minted for the conversion; nil = computed from the exchange rate.
    public var minted: UInt256?

    /// An order.
    ///
    /// ```swift
    /// SettleOrder(capacity: .zero)   // settle with zero capacity: unlock only
    /// ```
    public init(capacity: UInt256, minted: UInt256? = nil) {
        self.capacity = capacity
        self.minted = minted
    }
}

/// What a Unit settlement did, in base units.
///
/// ```swift
/// let report = try unit.settle(subscribe: SettleOrder(capacity: tokens("1000")), redeem: nil, at: now)
/// report.toAssetManager
/// ```
public struct SettlementReport: Sendable, Hashable, Codable {
    /// The subscribe queue's outcome (nil when not ordered).
    public var subscribe: LCTSQueue.SettleOutcome?
    /// The redeem queue's outcome (nil when not ordered).
    public var redeem: LCTSQueue.SettleOutcome?
    /// The exchange rate used for defaulted `minted`.
    public var exchangeRate: Rate
    /// USDS moved directly from the subscribe queue to the redeem queue.
    public var matched: UInt256
    /// USDS sent to the asset manager (through the `deposit` rate limit).
    public var toAssetManager: UInt256
    /// USDS received for redemptions beyond netting (through the `withdraw` rate limit).
    public var fromAssetManager: UInt256
    /// The part of ``fromAssetManager`` covered by the manager's book balance.
    public var fromAssetManagerBalance: UInt256
    /// The part of ``fromAssetManager`` that arrived from outside the book.
    public var externalInflow: UInt256
}
