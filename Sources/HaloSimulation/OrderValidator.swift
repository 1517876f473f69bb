import HaloArtifacts
import HaloCore
import HaloSentinel
import LuaSandbox

/// What the order checks need to know about one Prime at the moment of its orders (USDS base units).
struct PrimeView {
    /// Liquid USDS.
    var usds: UInt256
    /// Required risk capital allowed: `encumbrance_max x capital`.
    var encumbranceLimit: UInt256
    /// Required risk capital now: sum over Units of exposure x CRR.
    var encumbrance: UInt256
    /// Liquid USDS plus every exposure: what the concentration caps are shares of.
    var portfolio: UInt256
    /// Position value plus USDS pending in the subscribe queue, by Unit.
    var exposure: [String: UInt256]
    /// Exposure by asset class.
    var classExposure: [String: UInt256]
    /// Shares the Prime holds (claimed), by Unit.
    var shares: [String: UInt256]
    /// USDS pending in each Unit's subscribe queue.
    var pending: [String: UInt256]
    /// The Prime's deposit limit's current amount into each Unit (nil: no limit set).
    var headroom: [String: UInt256]
}

/// What the order checks need to know about one Unit.
struct UnitView {
    var assetClass: String
    var crr: Rate
    var onboarded: Bool
    var subscriptionsHalted: Bool
    var shareDecimals: Int
}

/// Every check of a Prime's orders lives here: a Prime policy proposes, this decides. The
/// runtime enforces (DOMAIN §8): the onboarding gate, the Prime's own rate limit into the Unit,
/// never spending USDS it does not hold, the encumbrance ceiling, and the per-Unit and
/// per-class concentration caps. SORL on `configure` is HaloCore's Configurator's to enforce.
enum OrderValidator {
    static let maxOrders = 256

    /// Decodes `allocate`'s result: nil or a list of orders. Anything else is a `bad-decision`
    /// (the whole call fails and changes nothing).
    static func orders(_ results: [LuaValue], shareDecimals: (String) -> Int?) throws(PolicyFailure) -> [PrimeOrder] {
        guard let first = results.first, first != .nil else { return [] }
        guard case .table(let table) = first, let items = SandboxedPolicy.sequence(table) else {
            throw bad("allocate must return a list of orders (halo.orders.subscribe/redeem/exit/configure), got \(SandboxedPolicy.describe(first))")
        }
        guard items.count <= maxOrders else { throw bad("allocate returned \(items.count) orders; at most \(maxOrders)") }
        var orders: [PrimeOrder] = []
        orders.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            // Named only in a refusal: most calls return many orders and refuse none.
            var what: String { "order \(index + 1)" }
            guard case .table(let order) = item else { throw bad("\(what) is \(SandboxedPolicy.describe(item)), not an order table") }
            // A Lua table has each key once: one slot per known field.
            var kindValue, unitValue, amountValue, maxValue, slopeValue: LuaValue?
            for entry in order.entries {
                guard case .string(let key) = entry.key else {
                    throw bad("\(what) has an unknown field \(SandboxedPolicy.describe(entry.key)) (known: amount, max, order, slope, unit)")
                }
                switch key {
                case "order": kindValue = entry.value
                case "unit": unitValue = entry.value
                case "amount": amountValue = entry.value
                case "max": maxValue = entry.value
                case "slope": slopeValue = entry.value
                default:
                    throw bad("\(what) has an unknown field \(SandboxedPolicy.describe(entry.key)) (known: amount, max, order, slope, unit)")
                }
            }
            guard case .string(let kind)? = kindValue else { throw bad("\(what) has no order kind (use halo.orders.*)") }
            guard case .string(let unit)? = unitValue, !unit.isEmpty else { throw bad("\(what): unit must be a Unit's name") }
            switch kind {
            case "subscribe":
                guard let amount = try SandboxedPolicy.amount(amountValue, what: "\(what).amount") else {
                    throw bad("\(what): subscribe needs an amount")
                }
                orders.append(.subscribe(unit: unit, amount: amount))
            case "redeem":
                let decimals = shareDecimals(unit) ?? 18
                guard let shares = try SandboxedPolicy.amount(amountValue, decimals: decimals, what: "\(what).amount") else {
                    throw bad("\(what): redeem needs an amount of shares")
                }
                orders.append(.redeem(unit: unit, shares: shares))
            case "exit":
                orders.append(.exit(unit: unit))
            case "configure":
                guard let max = try SandboxedPolicy.amount(maxValue, what: "\(what).max") else {
                    throw bad("\(what): configure needs max")
                }
                orders.append(.configure(unit: unit, maxAmount: max, slope: try SandboxedPolicy.amount(slopeValue, what: "\(what).slope")))
            default:
                throw bad("\(what): unknown order '\(kind)' (subscribe, redeem, exit, configure)")
            }
        }
        return orders
    }

    /// Checks one order against the Prime and the Unit as they are; nil when it may go through,
    /// else the refusal's code and reason. On success `prime` is updated as the order will leave it,
    /// so the next order of the same call is checked against what this one used.
    static func check(_ order: PrimeOrder, prime: inout PrimeView, unit: UnitView?, constraints: PrimeConstraints)
        -> (code: String, reason: String)?
    {
        guard let unit else { return ("not-onboarded", "no Unit '\(order.unit)' in this simulation") }
        switch order {
        case .subscribe(let name, let amount):
            let units = amount.units
            guard !units.isZero else { return ("zero-amount", "subscribe of 0 USDS") }
            guard unit.onboarded else { return ("not-onboarded", "\(name) has not passed its onboarding checklist") }
            guard !unit.subscriptionsHalted else { return ("subscriptions-halted", "\(name)'s Sentinel has halted subscriptions") }
            guard units <= prime.usds else {
                return ("insufficient-balance", "subscribe \(amount) USDS with \(text(prime.usds)) liquid")
            }
            guard let headroom = prime.headroom[name] else { return ("rate-limit-not-set", "no deposit limit into \(name)") }
            guard units <= headroom else {
                return ("rate-limit-exceeded", "subscribe \(amount) USDS above the deposit limit's current \(text(headroom)) into \(name)")
            }
            let required = scaled(units, unit.crr)
            let encumbrance = sum(prime.encumbrance, required)
            guard encumbrance <= prime.encumbranceLimit else {
                return ("encumbrance-exceeded", "required risk capital would be \(text(encumbrance)) (crr \(unit.crr)), above encumbrance_max x capital = \(text(prime.encumbranceLimit))")
            }
            let exposure = sum(prime.exposure[name] ?? .zero, units)
            let unitLimit = scaled(prime.portfolio, constraints.unitCap)
            guard exposure <= unitLimit else {
                return ("concentration-exceeded", "exposure to \(name) would be \(text(exposure)), above unit_cap \(constraints.unitCap) of the portfolio \(text(prime.portfolio))")
            }
            let classExposure = sum(prime.classExposure[unit.assetClass] ?? .zero, units)
            if let cap = constraints.classCaps[unit.assetClass] {
                let classLimit = scaled(prime.portfolio, cap)
                guard classExposure <= classLimit else {
                    return ("concentration-exceeded", "exposure to class \(unit.assetClass) would be \(text(classExposure)), above its cap \(cap) of the portfolio \(text(prime.portfolio))")
                }
            }
            prime.usds = (try? prime.usds.subtracting(units)) ?? .zero
            prime.headroom[name] = (try? headroom.subtracting(units)) ?? .zero
            prime.encumbrance = encumbrance
            prime.exposure[name] = exposure
            prime.classExposure[unit.assetClass] = classExposure
            prime.pending[name] = sum(prime.pending[name] ?? .zero, units)
            return nil
        case .redeem(let name, let shares):
            guard !shares.units.isZero else { return ("zero-amount", "redeem of 0 shares") }
            let held = prime.shares[name] ?? .zero
            guard shares.units <= held else {
                return ("insufficient-balance", "redeem \(shares) shares of \(name) holding \(Amount(units: held, decimals: UInt8(unit.shareDecimals)))")
            }
            prime.shares[name] = (try? held.subtracting(shares.units)) ?? .zero
            return nil
        case .exit(let name):
            let pending = prime.pending[name] ?? .zero
            guard !pending.isZero else { return ("no-position", "nothing pending in \(name)'s subscribe queue") }
            return nil
        case .configure(let name, _, _):
            guard unit.onboarded else { return ("not-onboarded", "\(name) has not passed its onboarding checklist") }
            return nil
        }
    }

    static func scaled(_ units: UInt256, _ ratio: Rate) -> UInt256 {
        (try? UInt256.mulDiv(units, ratio.wad, .wad)) ?? .max
    }

    static func sum(_ a: UInt256, _ b: UInt256) -> UInt256 { (try? a.adding(b)) ?? .max }

    static func text(_ units: UInt256) -> String { Amount(units: units).description }

    static func bad(_ message: String) -> PolicyFailure { PolicyFailure(code: "bad-decision", message: message) }
}
