import Foundation  // JSONEncoder for the round trip
import Testing
@testable import HaloCore

/// The dense position store against a Dictionary model: every insert, update and removal,
/// through growth and backward-shift deletion, with values past 128 bits too.
@Suite struct PositionStoreTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func behavesLikeADictionaryThroughRandomOperations() {
        var g = Generator(state: 7)
        var store = PositionStore()
        var model: [String: LCTSQueue.Position] = [:]
        for step in 0..<60_000 {
            let roll = g.next()
            // few names at first (many collisions and removals), then more (growth)
            let account = "account-\(roll % UInt64(step < 20_000 ? 300 : 5_000))"
            if (roll >> 40) % 3 == 0 {
                store[account] = nil
                model[account] = nil
            } else {
                let wide = (roll >> 50) % 50 == 0
                let shares = wide ? UInt256(w0: g.next(), w1: 0, w2: 1, w3: 0) : UInt256(w0: g.next(), w1: g.next() >> 1, w2: 0, w3: 0)
                let position = LCTSQueue.Position(generation: 1 + (roll >> 20) % 9, shares: shares,
                                                  rewardDebt: UInt256(g.next()))
                store[account] = position
                model[account] = position
            }
            if step % 5_000 == 0 || step == 59_999 {
                #expect(store.count == model.count)
                #expect(store.dictionary == model)
            }
            #expect(store[account] == model[account])
        }
        for (account, position) in model { #expect(store[account] == position) }
        #expect(store["nobody"] == nil)
    }

    @Test func equalityIgnoresInsertionOrder() {
        var a = PositionStore(), b = PositionStore()
        let position = LCTSQueue.Position(generation: 1, shares: UInt256(5), rewardDebt: .zero)
        for i in 0..<100 { a["a\(i)"] = position }
        for i in (0..<100).reversed() { b["a\(i)"] = position }
        #expect(a == b)
        b["a7"] = LCTSQueue.Position(generation: 2, shares: UInt256(5), rewardDebt: .zero)
        #expect(a != b)
    }

    @Test func aQueueEncodesItsPositionsAsBeforeAndReadsThemBack() throws {
        var q = LCTSQueue()
        _ = try q.deposit(account: "alice", amount: UInt256(1000))
        _ = try q.deposit(account: "bob", amount: UInt256(w0: 0, w1: 0, w2: 1, w3: 0))  // past 128 bits
        let data = try JSONEncoder().encode(q)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["header", "finalized", "positions"])
        #expect((object?["positions"] as? [String: Any])?.keys.sorted() == ["alice", "bob"])
        let back = try JSONDecoder().decode(LCTSQueue.self, from: data)
        #expect(back == q)
        #expect(back.position(of: "bob") == q.positions["bob"] && back.positionCount == 2)
    }
}
