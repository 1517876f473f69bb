import Testing
@testable import HaloCore

@Suite struct LedgerTests {
    @Test func doubleEntryAndConservation() throws {
        var ledger = Ledger()
        try ledger.issue(asset: "USDS", to: "alice", amount: tokens("1000"), source: "bank")
        try ledger.transfer(asset: "USDS", from: "alice", to: "bob", amount: tokens("400"))
        try ledger.burn(asset: "USDS", from: "bob", amount: tokens("100"))
        #expect(ledger.balance(of: "alice", asset: "USDS") == tokens("600"))
        #expect(ledger.balance(of: "bob", asset: "USDS") == tokens("300"))
        #expect(ledger.supply(of: "USDS") == tokens("900"))
        #expect(ledger.issued["USDS"] == tokens("1000") && ledger.burned["USDS"] == tokens("100"))
        #expect(ledger.allBalances["alice"] == ["USDS": tokens("600")])
        #expect(ledger.entries.map(\.sequence) == [1, 2, 3])
        try ledger.verifyConservation()
        try ledger.verifyChain()
    }

    @Test func refusedEntryChangesNothing() throws {
        var ledger = Ledger()
        try ledger.issue(asset: "USDS", to: "alice", amount: tokens("10"), source: "bank")
        let before = ledger
        // The second posting overdraws: the first must not stick either.
        #expect(throws: HaloError.insufficientBalance(account: "bob", asset: "USDS", balance: tokens("5"), required: tokens("6"))) {
            try ledger.record(time: at("2026-03-02T00:00:00Z"), actor: "x", action: "move", postings: [
                .transfer(asset: "USDS", from: "alice", to: "bob", amount: tokens("5")),
                .transfer(asset: "USDS", from: "bob", to: "carol", amount: tokens("6")),
            ])
        }
        #expect(ledger == before)
        #expect(throws: HaloError.zeroAmount) { try ledger.transfer(asset: "USDS", from: "alice", to: "bob", amount: .zero) }
        #expect(throws: HaloError.amount(.overflow)) { try ledger.issue(asset: "USDS", to: "bob", amount: .max, source: "x") }
        #expect(ledger == before)
        // Later postings of one entry may spend what earlier ones brought.
        try ledger.record(time: at("2026-03-02T00:00:00Z"), actor: "x", action: "move", postings: [
            .transfer(asset: "USDS", from: "alice", to: "bob", amount: tokens("10")),
            .transfer(asset: "USDS", from: "bob", to: "carol", amount: tokens("10")),
        ])
        #expect(ledger.balances(asset: "USDS") == ["carol": tokens("10")])
    }

    @Test func replayAndTamperDetection() throws {
        var ledger = Ledger()
        try ledger.issue(asset: "USDS", to: "alice", amount: tokens("10"), source: "bank", at: at("2026-03-02T00:00:00Z"))
        try ledger.record(time: at("2026-03-02T01:00:00Z"), actor: "alice", action: "pay",
                          parameters: ["b": "2", "a": "1"],
                          postings: [.transfer(asset: "USDS", from: "alice", to: "bob", amount: tokens("3"))])
        #expect(try Ledger.replay(ledger.entries) == ledger)
        #expect(ledger.entries[1].previousHash == ledger.entries[0].hash)
        var tampered = ledger.entries
        tampered[1].postings[0].amount = tokens("4")
        #expect(throws: HaloError.ledgerInvalid("entry 2 hash does not match its contents")) { try Ledger.replay(tampered) }
        var dropped = ledger.entries
        dropped.remove(at: 0)
        #expect(throws: HaloError.ledgerInvalid("entry at position 1 has sequence 2")) { try Ledger.replay(dropped) }
        // Rehashing a changed entry still breaks the link of the next one.
        var rehashed = ledger.entries
        rehashed[0] = LedgerEntry(sequence: 1, time: rehashed[0].time, actor: "mallory", action: "issue",
                                  parameters: rehashed[0].parameters, postings: rehashed[0].postings,
                                  previousHash: LedgerEntry.genesisHash)
        #expect(throws: HaloError.ledgerInvalid("entry 2 does not link to the previous entry")) { try Ledger.replay(rehashed) }
        // Parameter order never matters to the hash.
        let a = LedgerEntry(sequence: 1, time: Timestamp(seconds: 0), actor: "x", action: "y",
                            parameters: ["a": "1", "b": "2"], postings: [], previousHash: LedgerEntry.genesisHash)
        let b = LedgerEntry(sequence: 1, time: Timestamp(seconds: 0), actor: "x", action: "y",
                            parameters: ["b": "2", "a": "1"], postings: [], previousHash: LedgerEntry.genesisHash)
        #expect(a.hash == b.hash && a.hash.count == 64)
    }
}

@Suite struct LedgerRetentionTests {
    /// A bounded window keeps balances, sequence and head hash exactly as an unbounded ledger.
    @Test func aRetentionWindowChangesNothingButMemory() throws {
        var full = Ledger()
        var windowed = Ledger()
        windowed.retainedEntries = 10
        let time = try Timestamp(iso8601: "2026-03-02T00:00:00Z")
        for index in 0..<100 {
            let amount = UInt256(UInt64(index + 1))
            try full.issue(asset: "USDS", to: "a\(index % 7)", amount: amount, source: "bank", at: time)
            try windowed.issue(asset: "USDS", to: "a\(index % 7)", amount: amount, source: "bank", at: time)
        }
        #expect(windowed.entries.count <= 20)
        #expect(windowed.entryCount == 100)
        #expect(windowed.headHash == full.headHash)
        #expect(windowed.allBalances == full.allBalances)
        try windowed.verifyChain()
        try windowed.verifyConservation()
    }
}
