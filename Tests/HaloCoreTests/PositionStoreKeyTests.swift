import Testing
@testable import HaloCore

/// Keyed access (one hash per operation, the slot's lines prefetched first) against the
/// account subscript, and the queue operations that plan with a key and apply with it.
@Suite struct PositionStoreKeyTests {
    func position(_ generation: UInt64, _ shares: UInt64) -> LCTSQueue.Position {
        LCTSQueue.Position(generation: generation, shares: UInt256(shares), rewardDebt: UInt256(shares / 3))
    }

    @Test func aKeyReadsAndWritesWhatTheAccountDoes() {
        var keyed = PositionStore(), plain = PositionStore()
        // A prefetch on an empty store (no table yet) is a no-op.
        #expect(keyed[keyed.key("nobody")] == nil)
        var state: UInt64 = 11
        for step in 0..<40_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let account = "account-\((state >> 33) % 3_000)"
            // A key taken before a write that grows or reshuffles the table stays valid.
            let key = keyed.key(account)
            #expect(key.account == account && key.tag != 0 && key.tag == PositionStore.Key(account).tag)
            if (state >> 20) % 4 == 0 {
                keyed[key] = nil
                plain[account] = nil
            } else {
                keyed[key] = position(1 + (state >> 10) % 5, state >> 24)
                plain[account] = position(1 + (state >> 10) % 5, state >> 24)
            }
            #expect(keyed[keyed.key(account)] == plain[account])
            if step % 4_000 == 0 { #expect(keyed == plain && keyed.dictionary == plain.dictionary) }
        }
        #expect(keyed == plain)
        // Prefetching every home slot, the last ones included, reads and changes nothing.
        for i in 0..<3_000 { keyed.prefetch(PositionStore.Key("account-\(i)")) }
        #expect(keyed == plain)
    }

    @Test func plannedOperationsApplyToTheirOwnAccount() throws {
        var queue = LCTSQueue()
        try queue.deposit(account: "alice", amount: UInt256(1_000))
        try queue.deposit(account: "bob", amount: UInt256(3_000))
        // A plan changes nothing; its apply writes the planned account's position only.
        let planned = queue
        let (_, deposit) = try queue.planDeposit(account: "alice", amount: UInt256(500))
        #expect(queue == planned)
        queue.apply(deposit)
        #expect(queue.position(of: "alice")?.shares == UInt256(1_500))
        #expect(queue.position(of: "bob")?.shares == UInt256(3_000))
        let (_, exit) = try queue.planExit(account: "bob")
        queue.apply(exit)
        #expect(queue.position(of: "bob") == nil && queue.positionCount == 1)
        #expect(queue.totalShares == UInt256(1_500) && queue.totalUnderlying == UInt256(1_500))
        // A refused deposit (locked) changes nothing, position or totals.
        queue.lock()
        let before = queue
        #expect(throws: HaloError.queueLocked) { try queue.deposit(account: "alice", amount: UInt256(1)) }
        #expect(queue == before)
    }
}
