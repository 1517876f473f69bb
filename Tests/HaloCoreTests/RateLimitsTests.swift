import Testing
@testable import HaloCore

@Suite struct RateLimitsTests {
    let t0 = at("2026-03-02T00:00:00Z")

    @Test func refillWorkedNumbers() throws {
        var limits = RateLimits()
        let slope = try tokens("1000000").dividedBy(UInt256(86_400))
        try limits.set(key: "deposit", maxAmount: tokens("5000000"), slope: slope, lastAmount: .zero,
                       lastUpdated: t0, at: t0)
        let day: Int64 = 86_400
        #expect(text(limits.current(key: "deposit", at: t0.adding(seconds: day))) == "999999.9999999999999936")
        #expect(text(limits.current(key: "deposit", at: t0.adding(seconds: day * 5 / 2))) == "2499999.999999999999984")
        #expect(text(limits.current(key: "deposit", at: t0.adding(seconds: day * 5))) == "4999999.999999999999968")
        #expect(text(limits.current(key: "deposit", at: t0.adding(seconds: day * 5 + 1))) == "5000000")
    }

    @Test func consumeWorkedNumbers() throws {
        var limits = RateLimits()
        try limits.set(key: "k", maxAmount: UInt256(100), slope: UInt256(10), lastAmount: UInt256(1),
                       lastUpdated: t0, at: t0)
        let t1 = t0.adding(seconds: 1)
        let before = limits
        #expect(throws: HaloError.rateLimitExceeded(key: "k", requested: UInt256(12), available: UInt256(11))) {
            try limits.consume(key: "k", amount: UInt256(12), at: t1)
        }
        #expect(limits == before)
        let left = try limits.consume(key: "k", amount: UInt256(11), at: t1)
        #expect(left == .zero && limits.limit("k")?.lastUpdated == t1)
        let refilled = try limits.replenish(key: "k", amount: UInt256(500), at: t1)
        #expect(refilled == UInt256(100))
    }

    @Test func setStartsFullAndValidatesFourFields() throws {
        var limits = RateLimits()
        limits.set(key: "deposit", maxAmount: UInt256(100), slope: UInt256(1), at: t0)
        #expect(limits.current(key: "deposit", at: t0) == UInt256(100))
        #expect(limits.limit("deposit") == RateLimit(maxAmount: UInt256(100), slope: UInt256(1),
                                                     lastAmount: UInt256(100), lastUpdated: t0))
        #expect(throws: HaloError.invalidLastAmount(key: "x")) {
            try limits.set(key: "x", maxAmount: UInt256(1), slope: .zero, lastAmount: UInt256(2), lastUpdated: t0, at: t0)
        }
        #expect(throws: HaloError.invalidLastUpdated(key: "x")) {
            try limits.set(key: "x", maxAmount: UInt256(1), slope: .zero, lastAmount: UInt256(1),
                           lastUpdated: t0.adding(seconds: 1), at: t0)
        }
        #expect(limits.limit("x") == nil && limits.keys == ["deposit"])
    }

    @Test func notSetAndUnlimited() throws {
        var limits = RateLimits()
        #expect(limits.current(key: "withdraw", at: t0) == .zero)
        #expect(throws: HaloError.rateLimitNotSet(key: "withdraw")) { try limits.consume(key: "withdraw", amount: .zero, at: t0) }
        #expect(throws: HaloError.rateLimitNotSet(key: "withdraw")) { try limits.replenish(key: "withdraw", amount: .zero, at: t0) }
        limits.set(key: "zero", maxAmount: .zero, slope: .zero, at: t0)
        #expect(throws: HaloError.rateLimitNotSet(key: "zero")) { try limits.consume(key: "zero", amount: .zero, at: t0) }
        limits.setUnlimited(key: "withdraw", at: t0)
        let snapshot = limits
        let result = try limits.consume(key: "withdraw", amount: tokens("1000000000"), at: t0.adding(seconds: 9))
        #expect(result == .max && limits == snapshot)
        #expect(limits.limit("withdraw")!.isUnlimited)
    }
}
