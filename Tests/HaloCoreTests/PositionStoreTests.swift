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

    func position(_ generation: UInt64, _ shares: UInt256, _ debt: UInt256 = .zero) -> LCTSQueue.Position {
        LCTSQueue.Position(generation: generation, shares: shares, rewardDebt: debt)
    }

    @Test func longAndNonASCIIAccountNamesAreKeptExactly() {
        // Past 15 UTF-8 bytes a String is no longer stored inline in the record.
        var store = PositionStore()
        var model: [String: LCTSQueue.Position] = [:]
        let names = (0..<2_000).map { i in
            i % 3 == 0 ? "0x\(String(repeating: "ab", count: 20))\(i)"
                : i % 3 == 1 ? "compte-épargne-numéro-\(i)" : "a\(i)"
        }
        for (i, name) in names.enumerated() {
            store[name] = position(1, UInt256(UInt64(i + 1)))
            model[name] = position(1, UInt256(UInt64(i + 1)))
        }
        for (i, name) in names.enumerated() where i % 2 == 0 {
            store[name] = nil
            model[name] = nil
        }
        #expect(store.count == model.count && store.dictionary == model)
        for name in names { #expect(store[name] == model[name]) }
        // A prefix of a long name, and the same characters decomposed, are other accounts.
        #expect(store[String(names[1].dropLast())] == nil)
        #expect(store["compte-e\u{301}pargne-nume\u{301}ro-1"] == store["compte-épargne-numéro-1"])  // Swift String equality is canonical
    }

    @Test func valuesAtAndPastTheRecordWidthStayExact() {
        var store = PositionStore()
        let top112 = UInt256(w0: .max, w1: (1 << 48) - 1, w2: 0, w3: 0)  // 2^112 - 1: still in the record
        let past112 = UInt256(w0: 0, w1: 1 << 48, w2: 0, w3: 0)        // 2^112: the side dictionary
        let past128 = UInt256(w0: 1, w1: 2, w2: 3, w3: 4)
        let cases: [String: LCTSQueue.Position] = [
            "in": position(UInt64(UInt32.max), top112, top112),
            "zero-generation": position(0, UInt256(5)),
            "wide-shares": position(1, past112),
            "wide-debt": position(1, UInt256(5), past112),
            "wide-generation": position(1 << 32, UInt256(5)),
            "very-wide": position(.max, past128, past128),
        ]
        for (account, value) in cases { store[account] = value }
        #expect(store.count == cases.count && store.dictionary == cases)
        for (account, value) in cases { #expect(store[account] == value) }
        // Moving between the record and the side dictionary, both ways.
        store["in"] = position(2, past128)
        store["wide-shares"] = position(2, UInt256(7))
        #expect(store["in"] == position(2, past128) && store["wide-shares"] == position(2, UInt256(7)))
        #expect(store.count == cases.count)
        store["in"] = nil
        store["wide-shares"] = nil
        store["very-wide"] = nil
        #expect(store.count == cases.count - 3 && store["in"] == nil && store["very-wide"] == nil)
    }

    @Test func backwardShiftDeletionAcrossTheTableEnd() {
        // Tags chosen so five records' homes are the last two slots of 8 and one's is slot 0:
        // the probe run wraps to the front, and each removal must pull later records back
        // (or leave one at its home).
        let table = PositionStore.Table(capacity: 8)
        let tags: [UInt32] = [0xF000_0001, 0xF000_0002, 0xC000_0003, 0xF000_0004, 0xC000_0005, 0x0000_0006]
        #expect(tags.map { table.home($0) } == [7, 7, 6, 7, 6, 0])
        func record(_ i: Int) -> PositionStore.Record {
            PositionStore.Record(account: "r\(i)", shares0: UInt64(i), debt0: 0, shares1: 1 << 48, debt1: 0)
        }
        for (i, tag) in tags.enumerated() { table.insert(record(i), tag: tag) }
        func present() -> [Int] { tags.indices.filter { table.find("r\($0)", tag: tags[$0]) != nil } }
        #expect(present() == [0, 1, 2, 3, 4, 5])
        for removed in [1, 0, 4, 5, 2, 3] {
            table.remove(at: table.find("r\(removed)", tag: tags[removed])!)
            #expect(!present().contains(removed))
            for i in present() {
                let slot = table.find("r\(i)", tag: tags[i])!
                #expect(table.records[slot].account == "r\(i)" && table.records[slot].shares0 == UInt64(i))
            }
        }
        #expect(present().isEmpty && (0..<8).allSatisfy { table.tags[$0] == 0 })
    }

    @Test func growsAndCopiesOnWrite() {
        var store = PositionStore()
        for i in 0..<50_000 { store["account-\(i)"] = position(1, UInt256(UInt64(i))) }
        let snapshot = store
        // Writes to one copy (update, removal, growth) never show in the other.
        store["account-7"] = position(2, UInt256(1))
        store["account-8"] = nil
        for i in 50_000..<100_000 { store["account-\(i)"] = position(1, UInt256(UInt64(i))) }
        #expect(snapshot.count == 50_000 && store.count == 99_999)
        #expect(snapshot["account-7"] == position(1, UInt256(7)) && snapshot["account-8"] == position(1, UInt256(8)))
        #expect(snapshot["account-60000"] == nil)
        #expect(store["account-7"] == position(2, UInt256(1)) && store["account-8"] == nil)
        for i in stride(from: 0, to: 100_000, by: 997) where i != 7 && i != 8 {
            #expect(store["account-\(i)"] == position(1, UInt256(UInt64(i))))
        }
        var other = snapshot
        other["account-9"] = nil
        #expect(snapshot["account-9"] != nil && other["account-9"] == nil && other != snapshot)
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
