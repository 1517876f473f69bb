import Foundation
import Testing
@testable import HaloCore

@Suite struct LCTSQueueTests {
    /// A converter that mints `ratio` reward per underlying (e.g. shares at a rate of 1/ratio).
    func convert(_ ratio: String) -> (UInt256) throws(HaloError) -> UInt256 {
        let rate = try! Rate(parsing: ratio)
        return { (converted: UInt256) throws(HaloError) -> UInt256 in
            try checked { () throws(AmountError) in try UInt256.mulDiv(converted, rate.wad, .wad) }
        }
    }

    @Test func storyFullConversion() throws {
        var q = LCTSQueue()
        let d = try q.deposit(account: "alice", amount: tokens("1000"))
        #expect(d.generation == 1 && d.openedGeneration && d.shares == tokens("1000"))
        #expect(q.status == .active)
        let result1 = q.lock()
        #expect(result1)
        let s = try q.settle(capacity: tokens("1000")) { _ in tokens("980") }
        #expect(s.converted == tokens("1000") && s.minted == tokens("980") && s.finalizedGeneration == 1)
        #expect(q.status == .dormant && q.generation == 1)
        #expect(Rate(wad: q.finalized[1]!).description == "0.98")
        #expect(q.pendingReward(account: "alice") == tokens("980"))
        let result2 = try q.claim(account: "alice")
        #expect(result2 == tokens("980"))
        #expect(q.positions.isEmpty && q.rewardPaid == q.rewardMinted)
    }

    /// Finalized rewards are read from an array by generation id; it follows every way
    /// `finalized` changes (a settle, a decoded snapshot) and falls back to the dictionary
    /// for ids too large for an array.
    @Test func finalizedRewardsByIDFollowTheDictionary() throws {
        var q = LCTSQueue()
        for day in 1...3 {
            _ = try q.deposit(account: "p\(day)", amount: tokens("100"))
            _ = q.lock()
            _ = try q.settle(capacity: tokens("100")) { _ in tokens("99") }
        }
        #expect(q.finalizedByID.count == 4 && q.finalRewardPerToken(2) == q.finalized[2] && q.finalRewardPerToken(9) == nil)
        #expect(q.pendingReward(account: "p1") == tokens("99"))
        let decoded = try JSONDecoder().decode(LCTSQueue.self, from: JSONEncoder().encode(q))
        #expect(decoded == q && decoded.finalizedByID == q.finalizedByID)
        #expect(decoded.pendingReward(account: "p3") == q.pendingReward(account: "p3"))
        var far = q
        far.finalized[5_000_000] = .wad
        #expect(far.finalizedByID.isEmpty)
        #expect(far.finalRewardPerToken(5_000_000) == .wad && far.finalRewardPerToken(1) == q.finalized[1])
        #expect(far.pendingReward(account: "p2") == tokens("99"))
    }

    @Test func storyPartialCapacityWithClaims() throws {
        var q = LCTSQueue()
        try q.deposit(account: "alice", amount: tokens("10000"))
        q.lock()
        try q.settle(capacity: tokens("2000"), mint: convert("0.98"))
        #expect(q.totalUnderlying == tokens("8000") && q.status == .active)
        let result3 = try q.claim(account: "alice")
        #expect(result3 == tokens("1960"))
        let result4 = try q.claim(account: "alice")
        #expect(result4 == .zero)
        q.lock()
        try q.settle(capacity: tokens("3000"), mint: convert("0.98"))
        #expect(q.totalUnderlying == tokens("5000"))
        let result5 = try q.claim(account: "alice")
        #expect(result5 == tokens("2940"))
        #expect(q.underlying(of: "alice") == tokens("5000"))
        let (reward, underlying) = try q.exit(account: "alice")
        #expect(reward == .zero && underlying == tokens("5000"))
        #expect(q.status == .dormant && q.positions.isEmpty)
    }

    @Test func storyDrainedOverThreeDays() throws {
        var q = LCTSQueue()
        try q.deposit(account: "alice", amount: tokens("60000"))
        try q.deposit(account: "bob", amount: tokens("40000"))
        var left: [String] = []
        for capacity in ["20000", "25000", "55000"] {
            q.lock()
            try q.settle(capacity: tokens(capacity), mint: convert("1"))
            left.append(text(q.totalUnderlying))
        }
        #expect(left == ["80000", "55000", "0"])
        #expect(q.status == .dormant && q.finalized[1] == .wad)
        let result6 = try q.claim(account: "alice")
        #expect(result6 == tokens("60000"))
        let result7 = try q.claim(account: "bob")
        #expect(result7 == tokens("40000"))
    }

    @Test func storyRedeemHalfCapacity() throws {
        var q = LCTSQueue()
        try q.deposit(account: "prime", amount: tokens("1000"))  // shares in
        q.lock()
        let s = try q.settle(capacity: tokens("500")) { _ in tokens("510") }  // USDS out
        #expect(s.converted == tokens("500") && s.finalizedGeneration == nil)
        #expect(q.totalUnderlying == tokens("500") && q.status == .active)
        let result8 = try q.claim(account: "prime")
        #expect(result8 == tokens("510"))
    }

    @Test func lockRules() throws {
        var q = LCTSQueue()
        let result9 = q.lock()
        #expect(!result9)  // dormant: no-op
        let result10 = try q.settle(capacity: tokens("1")) { _ in .zero }
        #expect(result10 == .init(converted: .zero, minted: .zero, finalizedGeneration: nil))
        try q.deposit(account: "alice", amount: tokens("100"))
        #expect(throws: HaloError.notLocked) { try q.settle(capacity: tokens("1"), mint: convert("1")) }
        let result11 = q.lock()
        #expect(result11)
        let result12 = q.lock()
        #expect(!result12)  // locked: no-op
        let before = q
        #expect(throws: HaloError.queueLocked) { try q.deposit(account: "bob", amount: tokens("1")) }
        #expect(throws: HaloError.queueLocked) { try q.claim(account: "alice") }
        #expect(throws: HaloError.queueLocked) { try q.exit(account: "alice") }
        #expect(q == before)
        // Zero capacity unlocks without converting or calling the converter.
        let s = try q.settle(capacity: .zero) { _ throws(HaloError) in throw .zeroAmount }
        #expect(s.converted == .zero && q.status == .active)
    }

    @Test func refusalsChangeNothing() throws {
        var q = LCTSQueue()
        #expect(throws: HaloError.zeroAmount) { try q.deposit(account: "alice", amount: .zero) }
        #expect(throws: HaloError.noPosition(account: "alice")) { try q.claim(account: "alice") }
        #expect(throws: HaloError.noPosition(account: "alice")) { try q.exit(account: "alice") }
        #expect(q == LCTSQueue())
        try q.deposit(account: "alice", amount: tokens("100"))
        q.lock()
        let before = q
        #expect(throws: HaloError.zeroAmount) { try q.settle(capacity: tokens("1")) { _ throws(HaloError) in throw .zeroAmount } }
        #expect(q == before)
    }

    @Test func depositPaysOutFinalizedAndPendingRewards() throws {
        var q = LCTSQueue()
        try q.deposit(account: "alice", amount: tokens("100"))
        q.lock()
        try q.settle(capacity: tokens("100"), mint: convert("0.5"))  // finalizes gen 1
        let d = try q.deposit(account: "alice", amount: tokens("10"))
        #expect(d.rewardPaid == tokens("50") && d.generation == 2 && d.openedGeneration)
        #expect(q.positions["alice"] == .init(generation: 2, shares: tokens("10"), rewardDebt: .zero))
        q.lock()
        try q.settle(capacity: tokens("5"), mint: convert("2"))
        let again = try q.deposit(account: "alice", amount: tokens("5"))
        #expect(again.rewardPaid == tokens("10") && !again.openedGeneration)
        #expect(q.pendingReward(account: "alice") == .zero)
        #expect(q.rewardPaid == tokens("60") && q.rewardMinted == tokens("60"))
    }

    @Test func proRataSharesAfterPartialSettle() throws {
        var q = LCTSQueue()
        try q.deposit(account: "alice", amount: tokens("100"))
        q.lock()
        try q.settle(capacity: tokens("50"), mint: convert("1"))
        // 50 underlying left for 100 shares: 10 more underlying buys 20 shares.
        let d = try q.deposit(account: "bob", amount: tokens("10"))
        #expect(d.shares == tokens("20"))
        #expect(q.pendingReward(account: "bob") == .zero)
        #expect(q.underlying(of: "alice") == tokens("50") && q.underlying(of: "bob") == tokens("10"))
        let (_, out) = try q.exit(account: "bob")
        #expect(out == tokens("10"))
    }

    @Test func roundingDustStaysInTheQueue() throws {
        var q = LCTSQueue()
        for name in ["a", "b", "c"] { try q.deposit(account: name, amount: UInt256(1)) }
        q.lock()
        try q.settle(capacity: UInt256(1)) { _ in UInt256(1) }  // 1 reward over 3 shares
        var paid = UInt256.zero
        for name in ["a", "b", "c"] { paid = try paid.adding(q.claim(account: name)) }
        #expect(paid == .zero && q.rewardMinted == UInt256(1))
        var out = UInt256.zero
        for name in ["a", "b", "c"] { out = try out.adding(q.exit(account: name).underlying) }
        #expect(out == UInt256(2) && q.status == .dormant)
    }

    /// Exits round down, so totalUnderlying never exceeds totalShares and a deposit of
    /// one base unit always mints at least one share (the zero-share guard is a backstop).
    @Test func depositAlwaysMintsAShare() throws {
        var q = LCTSQueue()
        try q.deposit(account: "a", amount: UInt256(3))
        try q.deposit(account: "b", amount: UInt256(3))
        _ = try q.exit(account: "a")  // 3 shares, 3 underlying: fine
        q.lock()
        try q.settle(capacity: UInt256(2)) { _ in UInt256(2) }  // 1 underlying for 3 shares
        // 1 base unit of underlying is worth 3 shares; nothing rounds to zero here:
        let result13 = try q.deposit(account: "c", amount: UInt256(1)).shares
        #expect(result13 == UInt256(3))
    }

    @Test func errorCodes() throws {
        #expect(HaloError.queueLocked.code == "queue-locked")
        #expect(HaloError.noPosition(account: "x").code == "no-position")
        #expect(HaloError.amount(.overflow).code == "overflow")
        #expect(Netting(subscribeConverted: UInt256(700), redeemProceeds: UInt256(500)).subscribeRemainder == UInt256(200))
        #expect(try Netting.matched(subscribeTotal: tokens("1000"), redeemTotal: tokens("500"), rate: Rate(parsing: "1.02")) == tokens("510"))
    }
}
