import PropertyBased
import Testing
@testable import HaloCore

/// One random operation on a Unit, decoded from plain numbers so PropertyBased can shrink it.
struct Step: Sendable, CustomStringConvertible {
    var op: Int
    var account: Int
    var a: UInt64
    var b: UInt64
    var seconds: Int

    var description: String { "op\(op)(acct\(account), \(a), \(b), +\(seconds)s)" }
}

let stepGen = zip(
    Gen.int(in: 0...18), Gen.int(in: 0...4), Gen.uint64(in: 0...2_000_000), Gen.uint64(in: 0...2_000_000),
    Gen.int(in: 0...7200)
).map { Step(op: $0, account: $1, a: $2, b: $3, seconds: $4) }

/// Amounts from a few base units (rounding dust) up to ~2M tokens.
func amount(_ x: UInt64) -> UInt256 {
    if x % 7 == 0 { return UInt256(x % 1000) }  // dust-sized, sometimes zero
    return try! UInt256(x).multiplied(by: UInt256(10_000_000_000_000_000))  // x / 100 tokens
}

/// Mostly a share of what the account holds (so deposits usually go through), sometimes
/// an arbitrary amount (so refusals are exercised too).
func portion(_ step: Step, of balance: UInt256) -> UInt256 {
    if step.b % 5 == 0 { return amount(step.a) }
    return try! UInt256.mulDiv(balance, UInt256(step.a % 100 + 1), UInt256(100))
}

/// A Unit with deposit and withdraw limits and a deposit init, at a fixed start.
func propertyUnit(start: Timestamp) -> HaloUnit {
    var unit = HaloUnit(underlying: "USDS", share: "TBILL-A")
    try! unit.setRateLimit(key: "deposit", maxAmount: tokens("5000000"), slope: tokens("50"), at: start)
    try! unit.setUnlimitedRateLimit(key: "withdraw", at: start)
    try! unit.addInit(key: "deposit", maxAmount: tokens("5000000"), slope: tokens("50"), at: start)
    for index in 0..<5 {
        try! unit.fund(account: "prime-\(index)", asset: "USDS", amount: tokens("1000000"), at: start)
        try! unit.fund(account: "prime-\(index)", asset: "TBILL-A", amount: tokens("100000"), at: start)
    }
    return unit
}

/// Applies one step; returns whether it succeeded. Refusals are expected and fine.
func apply(_ step: Step, to unit: inout HaloUnit, at now: Timestamp) -> Bool {
    let account = "prime-\(step.account)"
    let queue: QueueKind = step.b % 2 == 0 ? .subscribe : .redeem
    do {
        switch step.op {
        case 0: try unit.fund(account: account, asset: "USDS", amount: amount(step.a), at: now)
        case 1: try unit.fund(account: account, asset: "TBILL-A", amount: amount(step.a), at: now)
        case 2, 3, 4:
            let balance = unit.ledger.balance(of: account, asset: "USDS")
            try unit.subscribe(account: account, amount: portion(step, of: balance), at: now)
        case 5, 6:
            let balance = unit.ledger.balance(of: account, asset: "TBILL-A")
            try unit.redeem(account: account, amount: portion(step, of: balance), at: now)
        case 7, 17: try unit.claim(account: account, queue: queue, at: now)
        case 8, 18: try unit.exit(account: account, queue: queue, at: now)
        case 9: try unit.lock(queue: step.a % 3 == 0 ? nil : queue, at: now)
        case 10, 11:
            let subscribe = step.a % 4 == 3 ? nil
                : SettleOrder(capacity: step.a % 5 == 0 ? .max : amount(step.a), minted: step.b % 3 == 0 ? amount(step.b) : nil)
            let redeem = step.b % 4 == 3 ? nil
                : SettleOrder(capacity: step.b % 5 == 0 ? .max : amount(step.b), minted: step.a % 3 == 0 ? amount(step.a / 2) : nil)
            try unit.settle(subscribe: subscribe, redeem: redeem, at: now)
        case 12: try unit.setExchangeRate(Rate(wad: amount(step.a % 200)), at: now)  // 0 .. 2, sometimes 0
        case 13: if step.a % 4 == 0 { try unit.freeze(at: now) } else { try unit.setRelayer("sentinel", at: now) }
        case 14:
            if step.b % 2 == 0 { try unit.consumeRateLimit(key: "deposit", amount: amount(step.a), at: now) }
            else { try unit.replenishRateLimit(key: "deposit", amount: amount(step.a), at: now) }
        case 15: try unit.configureRateLimit(key: "deposit", maxAmount: amount(step.a * 4), slope: amount(step.b % 7000), at: now)
        default: if step.a % 10 == 0 { try unit.haltSubscriptions(at: now) } else { try unit.resumeSubscriptions(at: now) }
        }
        return true
    } catch {
        return false
    }
}

/// Every invariant of DOMAIN.md §2 and §5 that must hold between operations.
func checkInvariants(_ unit: HaloUnit) {
    #expect(throws: Never.self) { try unit.verifyInvariants() }
    for kind in QueueKind.allCases {
        let q = unit.queue(kind)
        #expect(q.rewardPaid <= q.rewardMinted)
        guard let current = q.current else {
            #expect(q.totalShares.isZero && q.totalUnderlying.isZero)
            continue
        }
        // Shares are exact; underlying is pro rata, rounded down, so accounts never get
        // more than the queue holds and lose less than one base unit each.
        var shares = UInt256.zero, underlying = UInt256.zero, pending = UInt256.zero, holders: UInt64 = 0
        for (account, position) in q.positions {
            pending = try! pending.adding(q.pendingReward(account: account))
            guard position.generation == current.id else { continue }
            shares = try! shares.adding(position.shares)
            underlying = try! underlying.adding(q.underlying(of: account))
            holders += 1
        }
        #expect(shares == current.totalShares)
        #expect(underlying <= current.totalUnderlying)
        #expect(try! current.totalUnderlying.subtracting(underlying) <= UInt256(holders))
        #expect(pending <= (try! q.rewardMinted.subtracting(q.rewardPaid)))
        #expect(!current.totalShares.isZero && !current.totalUnderlying.isZero)
    }
}

@Suite struct HaloUnitPropertyTests {
    @Test func randomOperationSequencesKeepEveryInvariant() async {
        let start = at("2026-03-02T00:00:00Z")
        await propertyCheck(count: 2000, input: stepGen.array(of: 1...60)) { steps in
            var unit = propertyUnit(start: start)
            var now = start
            var succeeded = 0
            for step in steps {
                now = now.adding(seconds: Int64(step.seconds))
                let before = unit
                if apply(step, to: &unit, at: now) {
                    succeeded += 1
                    #expect(unit.ledger.entries.count == before.ledger.entries.count + 1)
                } else {
                    // A refused operation changes nothing, the ledger included.
                    #expect(unit == before)
                }
                checkInvariants(unit)
            }
            let rebuilt = try Ledger.replay(unit.ledger.entries)
            #expect(rebuilt == unit.ledger)
            #expect(rebuilt.allBalances == unit.ledger.allBalances)
        }
    }

    /// Focused on the queues: many accounts, dust-sized and huge amounts, frequent
    /// settlements; every account eventually claims and exits, and the queue never pays
    /// more than it was given.
    @Test func queuesNeverPayMoreThanTheyHold() async {
        let gen = zip(Gen.int(in: 0...5), Gen.int(in: 0...49), Gen.uint64(in: 0 ... .max), Gen.uint64(in: 0 ... .max))
            .array(of: 1...200)
        await propertyCheck(count: 1000, input: gen) { steps in
            var q = LCTSQueue()
            var deposited = UInt256.zero, withdrawn = UInt256.zero, converted = UInt256.zero
            for (op, index, x, y) in steps {
                let account = "a\(index)"
                let size = UInt256(limbs: [x, y % 1_000_000])  // up to ~2^84 base units
                switch op {
                case 0, 1:
                    if (try? q.deposit(account: account, amount: size)) != nil { deposited = try deposited.adding(size) }
                case 2: _ = try? q.claim(account: account)
                case 3: if let out = try? q.exit(account: account) { withdrawn = try withdrawn.adding(out.underlying) }
                case 4: q.lock()
                default:
                    let minted = UInt256(limbs: [y])
                    if let s = try? q.settle(capacity: UInt256(limbs: [x, y % 3]), mint: { _ in minted }) {
                        converted = try converted.adding(s.converted)
                    }
                }
                #expect(q.rewardPaid <= q.rewardMinted)
            }
            // Unlock and let everyone leave.
            if q.status == .locked { try q.settle(capacity: .zero) { _ in .zero } }
            for account in q.positions.keys.sorted() {
                let out = try q.exit(account: account)
                withdrawn = try withdrawn.adding(out.underlying)
            }
            #expect(q.positions.isEmpty && q.status == .dormant)
            #expect(q.rewardPaid <= q.rewardMinted)
            #expect(try withdrawn.adding(converted) == deposited)
        }
    }
}
