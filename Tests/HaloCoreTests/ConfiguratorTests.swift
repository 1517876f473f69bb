import Testing
@testable import HaloCore

@Suite struct ConfiguratorTests {
    let t0 = at("2026-03-02T00:00:00Z")
    let hop: Int64 = 18 * 3600

    func configured() -> (Configurator, RateLimits) {
        var c = Configurator()
        c.addInit(key: "deposit", maxAmount: tokens("100000"), slope: tokens("1"))
        return (c, RateLimits())
    }

    @Test func noInitRefused() {
        var c = Configurator()
        var limits = RateLimits()
        #expect(throws: HaloError.noInit(key: "deposit")) {
            try c.setRateLimit(key: "deposit", maxAmount: UInt256(1), slope: .zero, at: t0, limits: &limits)
        }
    }

    @Test func firstSetFromInitStartsEmpty() throws {
        var (c, limits) = configured()
        try c.setRateLimit(key: "deposit", maxAmount: tokens("100000"), slope: tokens("1"), at: t0, limits: &limits)
        #expect(limits.current(key: "deposit", at: t0) == .zero)
        #expect(limits.current(key: "deposit", at: t0.adding(seconds: 10)) == tokens("10"))
        #expect(c.lastIncrease["deposit"] == t0)
        // Above the init on a fresh key: the bound is max(0 * 1.25, init).
        var (c2, limits2) = configured()
        #expect(throws: HaloError.exceedsMaxAmount(key: "deposit", requested: tokens("100001"), allowed: tokens("100000"))) {
            try c2.setRateLimit(key: "deposit", maxAmount: tokens("100001"), slope: tokens("1"), at: t0, limits: &limits2)
        }
    }

    @Test func increasesBoundedByMaxChangeAndHop() throws {
        var (c, limits) = configured()
        try c.setRateLimit(key: "deposit", maxAmount: tokens("100000"), slope: tokens("1"), at: t0, limits: &limits)
        let early = t0.adding(seconds: hop - 1)
        let before = (c, limits)
        #expect(throws: HaloError.incrementTooSoon(key: "deposit", allowedAt: t0.adding(seconds: hop))) {
            try c.setRateLimit(key: "deposit", maxAmount: tokens("125000"), slope: tokens("1"), at: early, limits: &limits)
        }
        #expect(c == before.0 && limits == before.1)
        let t1 = t0.adding(seconds: hop)
        #expect(throws: HaloError.exceedsMaxAmount(key: "deposit", requested: tokens("125001"), allowed: tokens("125000"))) {
            try c.setRateLimit(key: "deposit", maxAmount: tokens("125001"), slope: tokens("1"), at: t1, limits: &limits)
        }
        #expect(throws: HaloError.exceedsMaxSlope(key: "deposit", requested: tokens("1.26"), allowed: tokens("1.25"))) {
            try c.setRateLimit(key: "deposit", maxAmount: tokens("125000"), slope: tokens("1.26"), at: t1, limits: &limits)
        }
        let available = limits.current(key: "deposit", at: t1)  // 64800 refilled
        try c.setRateLimit(key: "deposit", maxAmount: tokens("125000"), slope: tokens("1.25"), at: t1, limits: &limits)
        #expect(limits.limit("deposit") == RateLimit(maxAmount: tokens("125000"), slope: tokens("1.25"),
                                                     lastAmount: available, lastUpdated: t1))
        #expect(c.lastIncrease["deposit"] == t1)
        // Decreases are instant, any time, and clamp lastAmount to the new max.
        let t2 = t1.adding(seconds: 1)
        try c.setRateLimit(key: "deposit", maxAmount: tokens("1000"), slope: tokens("1.25"), at: t2, limits: &limits)
        #expect(limits.current(key: "deposit", at: t2) == tokens("1000"))
        #expect(c.lastIncrease["deposit"] == t1)
        try c.setRateLimit(key: "deposit", maxAmount: .zero, slope: .zero, at: t2, limits: &limits)
        #expect(limits.current(key: "deposit", at: t2.adding(seconds: 100)) == .zero)
        // Growing back from zero: bound is the init again, after the hop.
        #expect(throws: HaloError.incrementTooSoon(key: "deposit", allowedAt: t1.adding(seconds: hop))) {
            try c.setRateLimit(key: "deposit", maxAmount: tokens("100000"), slope: tokens("1"), at: t2, limits: &limits)
        }
        try c.setRateLimit(key: "deposit", maxAmount: tokens("100000"), slope: tokens("1"),
                           at: t1.adding(seconds: hop), limits: &limits)
    }

    @Test func thirtyOneDaysToOneHundredMillion() throws {
        var c = Configurator()
        c.addInit(key: "deposit", maxAmount: tokens("100000"), slope: .zero)
        var limits = RateLimits()
        var now = t0
        var maxAmount = tokens("100000")
        try c.setRateLimit(key: "deposit", maxAmount: maxAmount, slope: .zero, at: now, limits: &limits)
        var days = 0
        while maxAmount < tokens("100000000") {
            now = now.adding(seconds: 86_400)
            maxAmount = try UInt256.mulDiv(maxAmount, c.maxChange.wad, .wad)
            try c.setRateLimit(key: "deposit", maxAmount: maxAmount, slope: .zero, at: now, limits: &limits)
            days += 1
        }
        #expect(days == 31)
    }

    @Test func unlimitedHandling() throws {
        var c = Configurator()
        c.addInit(key: "withdraw", maxAmount: .max, slope: .zero)
        c.addInit(key: "deposit", maxAmount: tokens("10"), slope: .zero)
        var limits = RateLimits()
        #expect(throws: HaloError.unlimitedIncorrectParams(key: "withdraw")) {
            try c.setRateLimit(key: "withdraw", maxAmount: .max, slope: UInt256(1), at: t0, limits: &limits)
        }
        // PAS: a limited init bounds an unlimited request like any other (exceeds-max-amount).
        #expect(throws: HaloError.exceedsMaxAmount(key: "deposit", requested: .max, allowed: tokens("10"))) {
            try c.setRateLimit(key: "deposit", maxAmount: .max, slope: .zero, at: t0, limits: &limits)
        }
        try c.setRateLimit(key: "withdraw", maxAmount: .max, slope: .zero, at: t0, limits: &limits)
        #expect(limits.limit("withdraw")!.isUnlimited && limits.current(key: "withdraw", at: t0) == .max)
        // PAS: under an unlimited init only unlimited may be set (ConfiguratorPeerTests).
        #expect(throws: HaloError.unlimitedIncorrectParams(key: "withdraw")) {
            try c.setRateLimit(key: "withdraw", maxAmount: tokens("5"), slope: UInt256(7), at: t0, limits: &limits)
        }
        #expect(limits.current(key: "withdraw", at: t0) == .max)
    }

    @Test func fileChangesParameters() throws {
        var c = Configurator()
        c.file(hop: try TimeSpan(parsing: "1d"), maxChange: try Rate(parsing: "1.1"))
        #expect(c.hop.description == "1d" && c.maxChange.description == "1.1")
        c.addInit(key: "k", maxAmount: UInt256(1), slope: .zero)
        c.removeInit(key: "k")
        #expect(c.inits.isEmpty)
    }
}
