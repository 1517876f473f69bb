import HaloCore

/// One Unit on one day, after the 16:00 settlement (USDS unless said otherwise).
public struct UnitDay: Sendable {
    /// USDS the Primes put into the subscribe queue today.
    public var queued: UInt256 = .zero
    /// USDS of the subscribe queue converted at today's settlement.
    public var converted: UInt256 = .zero
    /// USDS paid out by today's redeem-side settlement.
    public var redeemed: UInt256 = .zero
    /// Refused subscriptions today, by code.
    public var refused: [String: Int] = [:]
    /// The sum over Primes of their deposit limit's current amount into this Unit, end of day.
    public var headroom: UInt256 = .zero
    /// The Unit's own `deposit` limit's current amount, end of day (nil: unlimited or unset).
    public var depositHeadroom: UInt256?
    /// USDS still waiting in the subscribe queue after settlement.
    public var backlog: UInt256 = .zero
    /// Shares still waiting in the redeem queue after settlement.
    public var redeemBacklog: UInt256 = .zero
    /// The exchange rate after settlement.
    public var exchangeRate: Rate = .one
    /// Whether Primes may subscribe.
    public var onboarded = false
    /// Signals the Unit's Sentinel raised today (codes, in order).
    public var signals: [String] = []
}

/// One Prime's dealings with one Unit on one day.
public struct PrimeUnitDay: Sendable {
    /// USDS subscribed (accepted) today.
    public var queued: UInt256 = .zero
    /// This Prime's USDS converted at today's settlement.
    public var converted: UInt256 = .zero
    /// Shares put into the redeem queue today.
    public var redeemRequested: UInt256 = .zero
    /// Refused orders today, by code.
    public var refused: [String: Int] = [:]
    /// The deposit limit's current amount into the Unit, end of day (nil: none set).
    public var headroom: UInt256?
    /// Shares held (claimed, unclaimed and waiting to redeem), end of day.
    public var shares: UInt256 = .zero
    /// Those shares at today's exchange rate.
    public var value: UInt256 = .zero
    /// USDS still pending in the subscribe queue.
    public var pending: UInt256 = .zero

    var isEmpty: Bool {
        queued.isZero && converted.isZero && redeemRequested.isZero && refused.isEmpty && shares.isZero && pending.isZero
    }
}

/// One Prime on one day.
public struct PrimeDay: Sendable {
    /// Liquid USDS, end of day.
    public var usds: UInt256 = .zero
    /// Required risk capital (sum of exposure x CRR), end of day.
    public var encumbrance: UInt256 = .zero
    /// `encumbrance_max x capital`.
    public var encumbranceLimit: UInt256 = .zero
    /// Liquid USDS plus every exposure, end of day.
    public var portfolio: UInt256 = .zero
    /// Exposure (value + pending) by Unit, end of day.
    public var exposure: [String: UInt256] = [:]
    /// Exposure by asset class, end of day.
    public var classExposure: [String: UInt256] = [:]
    /// Per Unit (only Units with a position or activity).
    public var units: [String: PrimeUnitDay] = [:]
    /// Every order and what became of it, in order.
    public var orders: [OrderOutcome] = []
    /// The deposit limit's current amount into each Unit when `allocate` ran, before any order:
    /// the most the day's subscriptions may add up to (exits, which replenish it, aside).
    public var allowance: [String: UInt256] = [:]
    /// Set when `allocate` failed today (`POLICY_FAILURE`): nothing it proposed was applied.
    public var policyFailure: String?
}

/// Everything that happened on one simulated day.
public struct SimulationDay: Sendable {
    /// 1-based.
    public var day: Int
    /// 00:00 UTC of the day.
    public var date: Timestamp
    /// Scheduled events applied at 00:00, described.
    public var events: [String] = []
    /// By Unit name.
    public var units: [String: UnitDay] = [:]
    /// By Prime name.
    public var primes: [String: PrimeDay] = [:]
}

/// Converted inflow into a Unit onboarded during the scenario, cumulative from its onboarding day.
public struct LaunchSummary: Sendable {
    /// The Unit.
    public var unit: String
    /// The day it onboarded (its Day 1).
    public var onboardedDay: Int
    /// USDS queued on its Day 1.
    public var queuedDay1: UInt256
    /// Cumulative converted USDS after Day 1, 7 and 30 (nil past the scenario's end).
    public var day1: UInt256?
    public var day7: UInt256?
    public var day30: UInt256?
    /// Cumulative converted USDS by the scenario's end.
    public var total: UInt256
}
