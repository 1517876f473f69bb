import HaloArtifacts
import HaloCore
import HaloSentinel
import LuaSandbox

/// One Prime in a simulation: its liquid USDS, its PAU into every Unit (one rate limit and
/// one SORL Configurator entry per Unit, keyed by the Unit's name), its policy and its state.
final class PrimeRuntime {
    let artifact: PrimeArtifact
    let policy: SandboxedPolicy
    /// Liquid USDS (base units), outside every Unit.
    var usds: UInt256
    /// The Prime's deposit limit into each Unit, keyed by Unit name.
    var limits = RateLimits()
    /// The Configurator of those limits: inits per Unit, hop, max change.
    var configurator: Configurator
    /// `ctx.state`: survives from one day to the next.
    var state = LuaTable()
    /// USDS of this Prime's balance in each Unit's ledger already moved to `usds`
    /// (redemption proceeds and exits land there; the Prime sweeps them back each day).
    var swept: [String: UInt256] = [:]

    init(artifact: PrimeArtifact, stdlib: String?) throws(SimulationError) {
        self.artifact = artifact
        do {
            policy = try SandboxedPolicy(file: artifact.policyFile, limits: artifact.limits, stdlib: stdlib,
                                         pin: artifact.policySHA256, requiredHook: "allocate")
        } catch {
            throw SimulationError(code: error.code, message: "\(artifact.path): Prime '\(artifact.name)': \(error.locatedMessage)")
        }
        usds = artifact.usds.units
        configurator = Configurator(hop: artifact.defaultLimit.hop, maxChange: artifact.defaultLimit.maxChange)
    }

    var name: String { artifact.name }

    /// Governance sets the limit into `unit` directly (aBEAM): it starts full.
    func setLimit(unit: String, maxAmount: UInt256, slope: UInt256, at time: Timestamp) {
        limits.set(key: unit, maxAmount: maxAmount, slope: slope, at: time)
    }

    /// A Unit onboards: the Prime's PAU into it gets the approved init, and, unless governance
    /// already set it, the limit is configured from the init through SORL, so it starts with
    /// `lastAmount = min(init, current) = 0` and refills at the init's slope.
    func open(unit: String, at time: Timestamp) {
        let initial = artifact.defaultLimit
        configurator.addInit(key: unit, maxAmount: initial.initMax.units, slope: initial.initSlope.units)
        guard limits.limit(unit) == nil else { return }
        try? configurator.setRateLimit(key: unit, maxAmount: initial.initMax.units, slope: initial.initSlope.units,
                                       at: time, limits: &limits)
    }

    /// The order checks' view of the Prime against the Units as they are now.
    func view(units: [SimulatedUnit], at time: Timestamp) -> PrimeView {
        view(units: units, at: time, keepingPositions: false).view
    }

    /// The same, and each Unit's ``position(in:)`` in `units` order when `keepingPositions`
    /// (the end-of-day record needs both; computing them once halves its lookups).
    func view(units: [SimulatedUnit], at time: Timestamp, keepingPositions: Bool) -> (view: PrimeView, positions: [Position]) {
        var view = PrimeView(usds: usds, encumbranceLimit: OrderValidator.scaled(artifact.capital.units, artifact.constraints.encumbranceMax),
                             encumbrance: .zero, portfolio: usds, exposure: [:], classExposure: [:], shares: [:], pending: [:],
                             headroom: [:])
        // Sized once: growing five dictionaries a Unit at a time was a visible part of a day.
        view.headroom.reserveCapacity(units.count)
        view.exposure.reserveCapacity(units.count)
        view.shares.reserveCapacity(units.count)
        view.pending.reserveCapacity(units.count)
        var positions: [Position] = []
        if keepingPositions { positions.reserveCapacity(units.count) }
        for unit in units {
            if let limit = limits.limit(unit.name) { view.headroom[unit.name] = limit.current(at: time) }
            let position = self.position(in: unit)
            if keepingPositions { positions.append(position) }
            guard !position.shares.isZero || !position.pending.isZero else { continue }
            let exposure = OrderValidator.sum(position.value, position.pending)
            view.exposure[unit.name] = exposure
            view.classExposure[unit.assetClass] = OrderValidator.sum(view.classExposure[unit.assetClass] ?? .zero, exposure)
            view.encumbrance = OrderValidator.sum(view.encumbrance, OrderValidator.scaled(exposure, unit.crr))
            view.portfolio = OrderValidator.sum(view.portfolio, exposure)
            view.shares[unit.name] = position.held
            view.pending[unit.name] = position.pending
        }
        return (view, positions)
    }

    /// One position: shares (claimed, claimable and waiting to redeem), their value, the
    /// claimed ones alone, and USDS pending in the subscribe queue.
    typealias Position = (shares: UInt256, value: UInt256, held: UInt256, pending: UInt256)

    /// Shares (claimed, claimable and waiting to redeem), their value, the claimed ones alone,
    /// and USDS pending in the subscribe queue.
    func position(in unit: SimulatedUnit) -> Position {
        let parts = unit.sentinel.holdings(of: name, share: unit.artifact.share)
        let shares = OrderValidator.sum(OrderValidator.sum(parts.held, parts.claimable), parts.redeeming)
        let value = shares.isZero ? UInt256.zero : ((try? UInt256.mulDiv(shares, parts.exchangeRate.wad, .wad)) ?? .max)
        return (shares, value, parts.held, parts.pending)
    }
}
