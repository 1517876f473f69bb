import HaloCore

/// One order a Prime's `allocate` proposes (built in Lua by `halo.orders.*`).
public enum PrimeOrder: Sendable, Equatable {
    /// Put `amount` USDS into the Unit's subscribe queue (converted at a later 16:00 settlement).
    case subscribe(unit: String, amount: Amount)
    /// Put `shares` of the Unit's share token into its redeem queue.
    case redeem(unit: String, shares: Amount)
    /// Leave the Unit's subscribe queue: the pending USDS comes back (and the limit is replenished).
    case exit(unit: String)
    /// Ask the Configurator to raise (or lower) the Prime's deposit limit into the Unit (SORL applies).
    case configure(unit: String, maxAmount: Amount, slope: Amount?)

    /// `subscribe`, `redeem`, `exit` or `configure`.
    public var kind: String {
        switch self {
        case .subscribe: "subscribe"
        case .redeem: "redeem"
        case .exit: "exit"
        case .configure: "configure"
        }
    }

    /// The Unit the order is about.
    public var unit: String {
        switch self {
        case .subscribe(let unit, _), .redeem(let unit, _), .exit(let unit), .configure(let unit, _, _): unit
        }
    }

    /// The order's amount (USDS, shares, or the requested max), if it has one.
    public var amount: Amount? {
        switch self {
        case .subscribe(_, let amount): amount
        case .redeem(_, let shares): shares
        case .exit: nil
        case .configure(_, let maxAmount, _): maxAmount
        }
    }
}

/// What became of one order: applied, or refused with a stable code and a reason.
public struct OrderOutcome: Sendable, Equatable {
    /// The order.
    public var order: PrimeOrder
    /// The refusal code (`not-onboarded`, `rate-limit-exceeded`, `insufficient-balance`,
    /// `encumbrance-exceeded`, `concentration-exceeded`, the Configurator's codes, ...); nil when applied.
    public var code: String?
    /// Why it was refused, or what was done.
    public var reason: String {
        get { written ?? Self.done(order) }
        set { written = newValue }
    }
    /// The reason when given; nil for an applied order that says what its order did, written
    /// out only when read (a simulated day applies thousands of orders and reports none of them).
    private var written: String?

    /// An outcome with its code (nil: applied) and reason.
    public init(order: PrimeOrder, code: String?, reason: String) {
        self.order = order
        self.code = code
        self.written = reason
    }

    /// An applied subscribe, redeem or configure order: its reason is what the order did.
    init(applied order: PrimeOrder) {
        self.order = order
        self.code = nil
        self.written = nil
    }

    /// True when the order was applied.
    public var applied: Bool { code == nil }

    public static func == (a: OrderOutcome, b: OrderOutcome) -> Bool {
        a.order == b.order && a.code == b.code && a.reason == b.reason
    }

    private static func done(_ order: PrimeOrder) -> String {
        switch order {
        case .subscribe(_, let amount): "queued \(amount) USDS"
        case .redeem(_, let shares): "queued \(shares) shares for redemption"
        case .exit(let unit): "left \(unit)'s subscribe queue"
        case .configure(let unit, let maxAmount, _): "deposit limit into \(unit) now max \(maxAmount)"
        }
    }
}
