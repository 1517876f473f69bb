import Testing
@testable import HaloCore

@Suite struct HaloUnitTests {
    let t = at("2026-03-02T09:00:00Z")

    func unit(rate: String = "1") -> HaloUnit {
        var unit = HaloUnit(underlying: "USDS", share: "TBILL-A", exchangeRate: try! Rate(parsing: rate))
        try! unit.setRateLimit(key: "deposit", maxAmount: tokens("10000000"), slope: .zero, at: t)
        try! unit.setUnlimitedRateLimit(key: "withdraw", at: t)
        return unit
    }

    @Test func fixtureStoryOne() throws {
        var u = unit()
        try u.fund(account: "alice", asset: "USDS", amount: tokens("1000"), at: t)
        try u.subscribe(account: "alice", amount: tokens("1000"), at: t)
        try u.lock(queue: nil, at: t)
        let report = try u.settle(subscribe: SettleOrder(capacity: tokens("1000"), minted: tokens("980")), redeem: nil, at: t)
        #expect(report.toAssetManager == tokens("1000") && report.matched == .zero)
        let paid = try u.claim(account: "alice", queue: .subscribe, at: t)
        #expect(paid == tokens("980"))
        #expect(u.ledger.balance(of: "alice", asset: "USDS") == .zero)
        #expect(u.ledger.balance(of: "alice", asset: "TBILL-A") == tokens("980"))
        #expect(u.ledger.balance(of: HaloUnit.assetManagerAccount, asset: "USDS") == tokens("1000"))
        #expect(u.subscribeQueue.status == .dormant && u.subscribeQueue.generation == 1)
        #expect(u.rateLimits.current(key: "deposit", at: t) == tokens("9999000"))
        try u.verifyInvariants()
        #expect(u.ledger.entries.count == 2 + 5)  // two limit setups, then one entry per operation
    }

    @Test func nettingAndRedemptionFromTheManager() throws {
        var u = unit(rate: "1.02")
        try u.fund(account: "alice", asset: "USDS", amount: tokens("1000"), at: t)
        try u.fund(account: "bob", asset: "TBILL-A", amount: tokens("500"), at: t)
        try u.subscribe(account: "alice", amount: tokens("1000"), at: t)
        try u.redeem(account: "bob", amount: tokens("500"), at: t)
        try u.lock(queue: nil, at: t)
        let r = try u.settle(subscribe: SettleOrder(capacity: tokens("1000")), redeem: SettleOrder(capacity: tokens("500")), at: t)
        // 500 shares at 1.02 = 510 USDS, all covered by the 1000 subscribed.
        #expect(r.redeem?.minted == tokens("510") && r.matched == tokens("510"))
        #expect(r.toAssetManager == tokens("490") && r.fromAssetManager == .zero)
        let expectedShares = try UInt256.mulDiv(tokens("1000"), .wad, tokens("1.02"))
        #expect(r.subscribe?.minted == expectedShares)
        #expect(text(expectedShares) == "980.392156862745098039")
        try u.verifyInvariants()
        let bobPaid = try u.claim(account: "bob", queue: .redeem, at: t)
        #expect(bobPaid == tokens("510"))
        #expect(u.ledger.supply(of: "TBILL-A") == expectedShares)

        // Next day only redemptions: 300 shares -> 306 USDS, 306 of the manager's 490 come back.
        let alicePaid = try u.claim(account: "alice", queue: .subscribe, at: t)
        // rewardPerToken rounds down over 1000e18 shares: 39 base units of dust stay in the queue.
        #expect(text(alicePaid) == "980.392156862745098")
        try u.redeem(account: "alice", amount: tokens("300"), at: t)
        try u.lock(queue: .redeem, at: t)
        let r2 = try u.settle(subscribe: nil, redeem: SettleOrder(capacity: tokens("300")), at: t)
        #expect(r2.fromAssetManager == tokens("306") && r2.fromAssetManagerBalance == tokens("306") && r2.externalInflow == .zero)
        #expect(u.ledger.balance(of: HaloUnit.assetManagerAccount, asset: "USDS") == tokens("184"))
        try u.verifyInvariants()
    }

    @Test func redeemBeyondTheManagersBookIsAnExternalInflow() throws {
        var u = unit()
        try u.fund(account: "bob", asset: "TBILL-A", amount: tokens("1000"), at: t)
        try u.redeem(account: "bob", amount: tokens("1000"), at: t)
        try u.lock(queue: .redeem, at: t)
        let r = try u.settle(subscribe: nil, redeem: SettleOrder(capacity: tokens("500"), minted: tokens("510")), at: t)
        #expect(r.externalInflow == tokens("510") && u.redeemQueue.totalUnderlying == tokens("500"))
        #expect(u.ledger.issued["USDS"] == tokens("510"))
        #expect(u.ledger.burned["TBILL-A"] == tokens("500"))
        try u.verifyInvariants()
    }

    @Test func frozenRelayerRefusesFlowsAndChangesNothing() throws {
        var u = unit()
        try u.fund(account: "alice", asset: "USDS", amount: tokens("1000"), at: t)
        try u.subscribe(account: "alice", amount: tokens("1000"), at: t)
        try u.lock(queue: .subscribe, at: t)
        try u.freeze(at: t)
        let before = u
        #expect(throws: HaloError.relayerFrozen) {
            try u.settle(subscribe: SettleOrder(capacity: tokens("1000")), redeem: nil, at: t)
        }
        #expect(throws: HaloError.relayerFrozen) { try u.consumeRateLimit(key: "deposit", amount: .zero, at: t) }
        #expect(u == before)
        // Zero capacity moves nothing, so it is allowed while frozen: the queue unlocks.
        try u.settle(subscribe: SettleOrder(capacity: .zero), redeem: nil, at: t)
        #expect(u.subscribeQueue.status == .active)
        try u.setRelayer("sentinel", at: t)
        try u.lock(queue: .subscribe, at: t)
        try u.settle(subscribe: SettleOrder(capacity: tokens("1000")), redeem: nil, at: t)
        try u.verifyInvariants()
    }

    @Test func rateLimitExceededAtSettlement() throws {
        var u = unit()
        try u.setRateLimit(key: "deposit", maxAmount: tokens("100"), slope: .zero, at: t)
        try u.fund(account: "alice", asset: "USDS", amount: tokens("1000"), at: t)
        try u.subscribe(account: "alice", amount: tokens("1000"), at: t)
        try u.lock(queue: nil, at: t)
        let before = u
        #expect(throws: HaloError.rateLimitExceeded(key: "deposit", requested: tokens("1000"), available: tokens("100"))) {
            try u.settle(subscribe: SettleOrder(capacity: tokens("1000")), redeem: nil, at: t)
        }
        #expect(u == before)
        try u.settle(subscribe: SettleOrder(capacity: tokens("100")), redeem: nil, at: t)
        #expect(u.subscribeQueue.totalUnderlying == tokens("900"))
    }

    @Test func refusalsAndHalts() throws {
        var u = unit()
        #expect(throws: HaloError.notAuthorized("unit:alm-proxy is funded only by Unit flows")) {
            try u.fund(account: HaloUnit.almProxyAccount, asset: "USDS", amount: tokens("1"), at: t)
        }
        #expect(throws: HaloError.insufficientBalance(account: "alice", asset: "USDS", balance: .zero, required: tokens("1"))) {
            try u.subscribe(account: "alice", amount: tokens("1"), at: t)
        }
        #expect(u.subscribeQueue == LCTSQueue())
        try u.haltSubscriptions(at: t)
        try u.fund(account: "alice", asset: "USDS", amount: tokens("1"), at: t)
        #expect(throws: HaloError.subscriptionsHalted) { try u.subscribe(account: "alice", amount: tokens("1"), at: t) }
        try u.resumeSubscriptions(at: t)
        try u.subscribe(account: "alice", amount: tokens("1"), at: t)
        #expect(throws: HaloError.invalidExchangeRate) { try u.setExchangeRate(Rate(wad: .zero), at: t) }
        try u.setExchangeRate(try Rate(parsing: "0.99"), at: t)
        #expect(u.exchangeRate.description == "0.99")
        let (reward, underlying) = try u.exit(account: "alice", queue: .subscribe, at: t)
        #expect(reward == .zero && underlying == tokens("1"))
        try u.fund(account: "alice", asset: "USDS", amount: tokens("1"), at: t)
        try u.subscribe(account: "alice", amount: tokens("1"), at: t)
        #expect(throws: HaloError.notLocked) { try u.settle(subscribe: SettleOrder(capacity: .zero), redeem: nil, at: t) }
    }

    @Test func configuratorThroughTheUnit() throws {
        var u = unit()
        try u.addInit(key: "deposit", maxAmount: tokens("100000"), slope: .zero, at: t)
        try u.configureRateLimit(key: "deposit", maxAmount: tokens("50000"), slope: .zero, at: t)
        #expect(u.rateLimits.limit("deposit")?.maxAmount == tokens("50000"))
        #expect(throws: HaloError.noInit(key: "withdraw")) {
            try u.configureRateLimit(key: "withdraw", maxAmount: tokens("1"), slope: .zero, at: t)
        }
        try u.fileConfigurator(hop: TimeSpan(seconds: 60), maxChange: nil, at: t)
        try u.configureRateLimit(key: "deposit", maxAmount: tokens("62500"), slope: .zero, at: t.adding(seconds: 60))
        #expect(u.configurator.lastIncrease["deposit"] == t.adding(seconds: 60))
        try u.ledger.verifyChain()
        #expect(try Ledger.replay(u.ledger.entries) == u.ledger)
    }

    @Test(arguments: [("1000", "500", "1.02"), ("100", "500", "1.02"), ("0", "500", "1"), ("1000", "0", "1"), ("333", "1000", "0.7")])
    func netOnlySettlementMovesNothingThroughTheManager(subscribed: String, redeemed: String, rate: String) throws {
        var u = unit(rate: rate)
        try u.freeze(at: t)  // net-only must work while frozen
        try u.fund(account: "alice", asset: "USDS", amount: tokens("1000"), at: t)
        try u.fund(account: "bob", asset: "TBILL-A", amount: tokens("1000"), at: t)
        if tokens(subscribed) > .zero { try u.subscribe(account: "alice", amount: tokens(subscribed), at: t) }
        if tokens(redeemed) > .zero { try u.redeem(account: "bob", amount: tokens(redeemed), at: t) }
        try u.lock(queue: nil, at: t)
        let orders = try u.netOnlyOrders()
        let report = try u.settle(subscribe: orders.subscribe, redeem: orders.redeem, at: t)
        #expect(report.toAssetManager == .zero && report.fromAssetManager == .zero)
        #expect(report.matched == orders.subscribe.capacity)
        // One side is fully served (up to rounding of a share).
        let value = try UInt256.mulDiv(tokens(redeemed), try Rate(parsing: rate).wad, .wad)
        if value <= tokens(subscribed) {
            #expect(u.redeemQueue.totalUnderlying == .zero)
        } else {
            #expect(u.subscribeQueue.totalUnderlying < UInt256(2))
        }
        try u.verifyInvariants()
    }
}
