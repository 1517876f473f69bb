import Testing
@testable import HaloCore

/// A ledger that keeps no entries (`retainedEntries` 0, what `halo simulate` uses) checks and
/// applies every posting exactly as an audited one: the same balances, totals, queues and
/// refusals, the same count of entries; it only builds, hashes and keeps none.
@Suite struct BalancesOnlyLedgerTests {
    let t = at("2026-03-02T09:00:00Z")

    func unit(keepingEntries: Bool) -> HaloUnit {
        var unit = HaloUnit(underlying: "USDS", share: "TBILL-A", exchangeRate: try! Rate(parsing: "1.02"))
        if !keepingEntries { unit.retainLedgerEntries(0) }
        try! unit.setRateLimit(key: "deposit", maxAmount: tokens("10000000"), slope: .zero, at: t)
        try! unit.setUnlimitedRateLimit(key: "withdraw", at: t)
        return unit
    }

    /// Two days of subscriptions, redemptions, netting, claims and refusals on both books.
    func story(_ u: inout HaloUnit) throws -> [String] {
        var refusals: [String] = []
        func refused(_ body: (inout HaloUnit) throws -> Void) {
            do { try body(&u) } catch let error as HaloError { refusals.append(error.code) } catch { refusals.append("\(error)") }
        }
        try u.fund(account: "alice", asset: "USDS", amount: tokens("1000"), at: t)
        try u.fund(account: "bob", asset: "TBILL-A", amount: tokens("500"), at: t)
        try u.subscribe(account: "alice", amount: tokens("1000"), at: t)
        refused { u in try u.subscribe(account: "alice", amount: tokens("1"), at: t) }  // nothing left
        try u.redeem(account: "bob", amount: tokens("500"), at: t)
        try u.lock(queue: nil, at: t)
        refused { u in try u.subscribe(account: "bob", amount: tokens("1"), at: t) }    // locked, no USDS
        try u.settle(subscribe: SettleOrder(capacity: tokens("1000")), redeem: SettleOrder(capacity: tokens("500")), at: t)
        _ = try u.claim(account: "bob", queue: .redeem, at: t)
        _ = try u.claim(account: "alice", queue: .subscribe, at: t)
        try u.redeem(account: "alice", amount: tokens("300"), at: t)
        refused { u in try u.fund(account: "alice", asset: "USDS", amount: .zero, at: t) }
        try u.lock(queue: .redeem, at: t)
        try u.settle(subscribe: nil, redeem: SettleOrder(capacity: tokens("300")), at: t)
        _ = try u.claim(account: "alice", queue: .redeem, at: t)
        return refusals
    }

    @Test func theSameBooksWithoutEntries() throws {
        var audited = unit(keepingEntries: true)
        var plain = unit(keepingEntries: false)
        let auditedRefusals = try story(&audited)
        let plainRefusals = try story(&plain)
        #expect(auditedRefusals == ["insufficient-balance", "queue-locked", "zero-amount"])
        #expect(plainRefusals == auditedRefusals)
        #expect(plain.ledger.allBalances == audited.ledger.allBalances)
        #expect(plain.ledger.issued == audited.ledger.issued && plain.ledger.burned == audited.ledger.burned)
        #expect(plain.subscribeQueue == audited.subscribeQueue && plain.redeemQueue == audited.redeemQueue)
        #expect(plain.rateLimits == audited.rateLimits)
        #expect(plain.ledger.entryCount == audited.ledger.entryCount)
        #expect(audited.ledger.entries.count == Int(audited.ledger.entryCount))
        #expect(plain.ledger.entries.isEmpty)
        #expect(plain.ledger.headHash == LedgerEntry.genesisHash)
        try plain.verifyInvariants()
        try plain.ledger.verifyConservation()
    }

    /// `record` still builds, chains and returns its entry on a balances-only book; it keeps none.
    @Test func recordStillReturnsItsEntry() throws {
        var ledger = Ledger()
        ledger.retainedEntries = 0
        let entry = try ledger.issue(asset: "USDS", to: "alice", amount: tokens("5"), source: "bank", at: t)
        #expect(entry.hash == entry.computedHash() && entry.sequence == 1)
        #expect(ledger.entries.isEmpty && ledger.headHash == entry.hash && ledger.entryCount == 1)
        try ledger.post(time: t, actor: "alice", action: "transfer",
                        postings: [.transfer(asset: "USDS", from: "alice", to: "bob", amount: tokens("2"))])
        #expect(ledger.entryCount == 2 && ledger.headHash == entry.hash)
        #expect(ledger.balance(of: "bob", asset: "USDS") == tokens("2"))
        #expect(throws: HaloError.self) {
            try ledger.post(time: t, actor: "bob", action: "transfer",
                            postings: [.transfer(asset: "USDS", from: "bob", to: "alice", amount: tokens("3"))])
        }
        #expect(ledger.entryCount == 2 && ledger.balance(of: "bob", asset: "USDS") == tokens("2"))
    }
}
