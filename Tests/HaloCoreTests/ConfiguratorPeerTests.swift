import Testing
@testable import HaloCore

/// The Configurator against its peer, PAS `Configurator.setRateLimit`: each test is one rule
/// of the peer, with the input that showed we differed (docs/peer-differences.md).
@Suite struct ConfiguratorPeerTests {
    let t0 = at("2026-03-02T00:00:00Z")
    let day: Int64 = 86_400

    /// Issue 9, kind 4: with an unlimited init, a finite request (1000 max, 10 slope) was
    /// taken as a "decrease". PAS: `require(maxAmount == max && slope == 0,
    /// "Configurator/unlimited-incorrect-params")`, and nothing changes.
    @Test func unlimitedInitRefusesAFiniteLimit() throws {
        var c = Configurator()
        c.addInit(key: "withdraw", maxAmount: .max, slope: .zero)
        var limits = RateLimits()
        // On a fresh key and on an unlimited one alike.
        #expect(throws: HaloError.unlimitedIncorrectParams(key: "withdraw")) {
            try c.setRateLimit(key: "withdraw", maxAmount: tokens("1000"), slope: tokens("10"), at: t0, limits: &limits)
        }
        #expect(limits.limit("withdraw") == nil)
        try c.setRateLimit(key: "withdraw", maxAmount: .max, slope: .zero, at: t0, limits: &limits)
        let before = (c, limits)
        for (maxAmount, slope) in [(tokens("1000"), tokens("10")), (UInt256.zero, UInt256.zero), (UInt256.max, UInt256(1))] {
            #expect(throws: HaloError.unlimitedIncorrectParams(key: "withdraw")) {
                try c.setRateLimit(key: "withdraw", maxAmount: maxAmount, slope: slope, at: t0.adding(seconds: day), limits: &limits)
            }
        }
        #expect(c == before.0 && limits == before.1)
        #expect(HaloError.unlimitedIncorrectParams(key: "withdraw").code == "unlimited-incorrect-params")
    }

    /// Issue 9, kind 4: a hop of 0 turned the cooldown off. PAS: any increase needs
    /// `require(hop > 0, "Configurator/hop-not-set")`; decreases and same-value sets still go.
    @Test func hopZeroRefusesEveryIncrease() throws {
        var c = Configurator()
        c.addInit(key: "deposit", maxAmount: tokens("100000"), slope: tokens("1"))
        var limits = RateLimits()
        try c.setRateLimit(key: "deposit", maxAmount: tokens("100000"), slope: tokens("1"), at: t0, limits: &limits)
        c.file(hop: TimeSpan(seconds: 0))
        let later = t0.adding(seconds: 30 * day)
        let before = (c, limits)
        #expect(throws: HaloError.hopNotSet(key: "deposit")) {
            try c.setRateLimit(key: "deposit", maxAmount: tokens("125000"), slope: tokens("1"), at: later, limits: &limits)
        }
        #expect(throws: HaloError.hopNotSet(key: "deposit")) {
            try c.setRateLimit(key: "deposit", maxAmount: tokens("100000"), slope: tokens("1.1"), at: later, limits: &limits)
        }
        #expect(c == before.0 && limits == before.1)
        #expect(HaloError.hopNotSet(key: "deposit").code == "hop-not-set")
        // Not increases: a same-value set and a decrease.
        try c.setRateLimit(key: "deposit", maxAmount: tokens("100000"), slope: tokens("1"), at: later, limits: &limits)
        try c.setRateLimit(key: "deposit", maxAmount: tokens("50000"), slope: tokens("1"), at: later, limits: &limits)
        #expect(limits.limit("deposit")?.maxAmount == tokens("50000"))
        // A fresh key's first set from its init is an increase too (from 0).
        c.addInit(key: "fresh", maxAmount: tokens("10"), slope: .zero)
        #expect(throws: HaloError.hopNotSet(key: "fresh")) {
            try c.setRateLimit(key: "fresh", maxAmount: tokens("10"), slope: .zero, at: later, limits: &limits)
        }
    }

    /// PAS bounds each field by `init || current || current * maxChange`: keeping a field at
    /// its current value is allowed even when maxChange is below 1 (governance may file it).
    @Test func keepingAFieldIsAllowedWhateverMaxChange() throws {
        var c = Configurator()
        c.addInit(key: "deposit", maxAmount: tokens("100"), slope: tokens("1"))
        var limits = RateLimits()
        try c.setRateLimit(key: "deposit", maxAmount: tokens("100"), slope: tokens("1"), at: t0, limits: &limits)
        let t1 = t0.adding(seconds: day)
        try c.setRateLimit(key: "deposit", maxAmount: tokens("125"), slope: tokens("1.25"), at: t1, limits: &limits)
        c.file(maxChange: try Rate(parsing: "0.5"))
        // Lowering the slope while keeping max (125, above the init and above 125 * 0.5).
        try c.setRateLimit(key: "deposit", maxAmount: tokens("125"), slope: tokens("0.5"), at: t1, limits: &limits)
        #expect(limits.limit("deposit")?.slope == tokens("0.5"))
    }

    /// PAS: under a limited init, an unlimited current limit may be set to unlimited again (it
    /// is no increase), and a finite request is bounded like any other: slope above both the
    /// init and the current 0 is refused; otherwise it goes, as an increase when the slope rises.
    @Test func limitedInitOverAnUnlimitedCurrentLimit() throws {
        var c = Configurator()
        c.addInit(key: "deposit", maxAmount: tokens("10"), slope: tokens("1"))
        var limits = RateLimits()
        limits.setUnlimited(key: "deposit", at: t0)   // governance, directly
        try c.setRateLimit(key: "deposit", maxAmount: .max, slope: .zero, at: t0, limits: &limits)
        #expect(limits.limit("deposit")!.isUnlimited && c.lastIncrease["deposit"] == nil)
        #expect(throws: HaloError.exceedsMaxSlope(key: "deposit", requested: tokens("2"), allowed: tokens("1"))) {
            try c.setRateLimit(key: "deposit", maxAmount: tokens("5"), slope: tokens("2"), at: t0, limits: &limits)
        }
        try c.setRateLimit(key: "deposit", maxAmount: tokens("5"), slope: tokens("1"), at: t0, limits: &limits)
        #expect(limits.current(key: "deposit", at: t0) == tokens("5"))   // min(new max, current = unlimited)
        #expect(c.lastIncrease["deposit"] == t0)                           // slope 0 -> 1 is an increase
    }

    /// Solidity reverts when `current * maxChange` overflows 256 bits; we refuse there too
    /// (exceeds-max-amount) rather than treat the bound as unbounded.
    @Test func overflowingScaledBoundRefuses() throws {
        var c = Configurator()
        c.addInit(key: "deposit", maxAmount: UInt256(1), slope: .zero)
        var limits = RateLimits()
        let huge = try UInt256.max.dividedBy(UInt256(1000))   // * 1.25e18 overflows
        try limits.set(key: "deposit", maxAmount: huge, slope: .zero, lastAmount: .zero, lastUpdated: t0, at: t0)
        #expect(throws: HaloError.self) {
            try c.setRateLimit(key: "deposit", maxAmount: try huge.adding(UInt256(1)), slope: .zero, at: t0, limits: &limits)
        }
    }

    /// PAS's `testFullRateLimitWorkflow` (Configurator.t.sol), re-expressed: init (1000, 10),
    /// current (800, 8), hop 1 h, maxChange 2. Decrease at once; increase past the init up to
    /// 2x; a second increase within the hop is too soon; after it 2x again; past 2x refused.
    @Test func peerFullRateLimitWorkflow() throws {
        var c = Configurator(hop: TimeSpan(seconds: 3_600), maxChange: try Rate(parsing: "2"))
        c.addInit(key: "workflow", maxAmount: tokens("1000"), slope: tokens("10"))
        var limits = RateLimits()
        try limits.set(key: "workflow", maxAmount: tokens("800"), slope: tokens("8"), lastAmount: tokens("800"), lastUpdated: t0, at: t0)
        let t1 = t0.adding(seconds: 3_600)
        try c.setRateLimit(key: "workflow", maxAmount: tokens("700"), slope: tokens("7"), at: t1, limits: &limits)
        #expect(limits.limit("workflow")?.maxAmount == tokens("700") && c.lastIncrease["workflow"] == nil)
        try c.setRateLimit(key: "workflow", maxAmount: tokens("1200"), slope: tokens("12"), at: t1, limits: &limits)
        #expect(limits.limit("workflow")?.maxAmount == tokens("1200") && c.lastIncrease["workflow"] == t1)
        #expect(throws: HaloError.incrementTooSoon(key: "workflow", allowedAt: t1.adding(seconds: 3_600))) {
            try c.setRateLimit(key: "workflow", maxAmount: tokens("1400"), slope: tokens("14"), at: t1, limits: &limits)
        }
        let t2 = t1.adding(seconds: 3_600)
        try c.setRateLimit(key: "workflow", maxAmount: tokens("2400"), slope: tokens("24"), at: t2, limits: &limits)
        #expect(limits.limit("workflow")?.slope == tokens("24"))
        #expect(throws: HaloError.exceedsMaxAmount(key: "workflow", requested: tokens("4900"), allowed: tokens("4800"))) {
            try c.setRateLimit(key: "workflow", maxAmount: tokens("4900"), slope: tokens("24"), at: t2.adding(seconds: 3_600), limits: &limits)
        }
        // PAS `testLastAmountCappedAtMaxAmount`: lastAmount = min(new max, current).
        try c.setRateLimit(key: "workflow", maxAmount: tokens("100"), slope: tokens("24"), at: t2, limits: &limits)
        #expect(limits.limit("workflow")?.lastAmount == tokens("100"))
    }
}
