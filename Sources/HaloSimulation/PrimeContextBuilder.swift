import HaloArtifacts
import HaloCore
import HaloSentinel
import LuaSandbox

/// Builds the read-only `ctx` of a Prime's `allocate`: the Prime (balances, capital,
/// encumbrance, positions) and the universe (every Unit of every Halo it is given).
///
/// The Unit part that is the same for every Prime is written once per day (``universeBase``)
/// and copied into each Prime's ctx, which adds the Prime's own rate-limit headroom. The ctx
/// is written straight in the sandbox's buffer format (``LuaTableWriter``).
enum PrimeContextBuilder {
    /// End-of-day exchange rates in `universe[unit].rate_history`, oldest first.
    static let rateHistoryLength = 8

    /// Per Unit, the fields every Prime sees alike, written once a day for every Prime's
    /// ctx (`types`: the Primes' ``SandboxedPolicy/userdataTypes``).
    static func universeBase(_ unit: SimulatedUnit, types: LuaUserdataTypes) -> LuaTableFragment {
        let core = unit.sentinel.unit
        let amountType = SandboxedPolicy.amountType(in: types)
        var fields = LuaTableWriter(fragmentFor: types, capacity: 1024)
        fields.set("halo", unit.halo)
        fields.set("class", unit.assetClass)
        fields.set("crr", amount: unit.crr.wad, decimals: 18, type: amountType)
        fields.set("onboarded", unit.onboarded)
        fields.set("subscriptions_halted", core.subscriptionsHalted)
        fields.set("exchange_rate", amount: core.exchangeRate.wad, decimals: 18, type: amountType)
        // A week and a day: enough for a policy's own yield estimate; `apy_30d` covers the month.
        fields.openTable("rate_history")
        for (index, rate) in unit.rateHistory.suffix(rateHistoryLength).enumerated() {
            fields.set(index: Int64(index + 1), amount: rate.wad, decimals: 18, type: amountType)
        }
        fields.closeTable()
        fields.set("apy_30d", amount: unit.apy30d.units, decimals: unit.apy30d.decimals, type: amountType)
        fields.openTable("queues")
        for (name, queue, decimals) in [("subscribe", core.subscribeQueue, 18), ("redeem", core.redeemQueue, unit.shareDecimals)] {
            fields.openTable(name)
            fields.set("status", queue.status.rawValue)
            fields.set("total_underlying", amount: queue.totalUnderlying, decimals: UInt8(decimals), type: amountType)
            fields.closeTable()
        }
        fields.closeTable()
        if let deposit = core.rateLimits.limit(HaloUnit.depositKey), !deposit.isUnlimited {
            fields.set("deposit_headroom", amount: deposit.current(at: unit.sentinel.now), decimals: 18, type: amountType)
        }
        return fields.finishFragment()
    }

    /// `positions`: each Unit's ``PrimeRuntime/position(in:)`` in `units` order, as `view` was
    /// made from; `base`: each Unit's ``universeBase(_:types:)``, written for `types`.
    static func context(prime: PrimeRuntime, view: PrimeView, positions: [PrimeRuntime.Position], units: [SimulatedUnit],
                        base: [LuaTableFragment], day: Int, at time: Timestamp, types: LuaUserdataTypes) -> EncodedLuaTable {
        let artifact = prime.artifact
        let amountType = SandboxedPolicy.amountType(in: types)
        // Sized up front: the universe is most of it, its shared part known to the byte; each
        // Unit adds its name, the Prime's headroom and rate limit (under 200 bytes), each
        // position under 300. Growing by doubling from 4 KB instead copied every size on the way.
        var capacity = 2048 + units.count * 200 + view.exposure.count * 300
        for fragment in base { capacity += fragment.byteCount }
        var ctx = LuaTableWriter(types: types, capacity: capacity)
        ctx.set("time", time.seconds)
        ctx.set("time_iso", time.iso8601)
        ctx.set("day", Int64(day))
        ctx.openTable("params")
        for param in artifact.params { ctx.set(param.key, param.value) }
        ctx.closeTable()
        ctx.openTable("constraints")
        ctx.set("encumbrance_max", amount: artifact.constraints.encumbranceMax.wad, decimals: 18, type: amountType)
        ctx.set("unit_cap", amount: artifact.constraints.unitCap.wad, decimals: 18, type: amountType)
        ctx.openTable("class_caps")
        for key in artifact.constraints.classCaps.keys.sorted() {
            ctx.set(key, amount: artifact.constraints.classCaps[key]!.wad, decimals: 18, type: amountType)
        }
        ctx.closeTable()
        ctx.closeTable()
        ctx.openTable("prime")
        ctx.set("name", artifact.name)
        ctx.set("usds", amount: view.usds, decimals: 18, type: amountType)
        ctx.set("capital", amount: artifact.capital.units, decimals: 18, type: amountType)
        ctx.set("encumbrance", amount: view.encumbrance, decimals: 18, type: amountType)
        ctx.set("encumbrance_limit", amount: view.encumbranceLimit, decimals: 18, type: amountType)
        ctx.set("portfolio", amount: view.portfolio, decimals: 18, type: amountType)
        ctx.openTable("positions")
        for (index, unit) in units.enumerated() {
            guard let exposure = view.exposure[unit.name] else { continue }
            let position = positions[index]
            let shareDecimals = UInt8(unit.shareDecimals)
            ctx.openTable(unit.name)
            ctx.set("shares", amount: position.shares, decimals: shareDecimals, type: amountType)
            ctx.set("held", amount: position.held, decimals: shareDecimals, type: amountType)
            ctx.set("value", amount: position.value, decimals: 18, type: amountType)
            ctx.set("pending", amount: position.pending, decimals: 18, type: amountType)
            ctx.set("exposure", amount: exposure, decimals: 18, type: amountType)
            ctx.closeTable()
        }
        ctx.closeTable()
        ctx.closeTable()
        ctx.openTable("universe")
        for (index, unit) in units.enumerated() {
            ctx.openTable(unit.name)
            ctx.append(base[index])
            if let limit = prime.limits.limit(unit.name) {
                let current = limit.current(at: time)
                ctx.set("headroom", amount: current, decimals: 18, type: amountType)
                var next = time.seconds
                if let last = prime.configurator.lastIncrease[unit.name] {
                    next = max(next, last.seconds + prime.configurator.hop.milliseconds / 1000)
                }
                ctx.openTable("rate_limit")
                ctx.set("max", amount: limit.maxAmount, decimals: 18, type: amountType)
                ctx.set("slope", amount: limit.slope, decimals: 18, type: amountType)
                ctx.set("current", amount: current, decimals: 18, type: amountType)
                ctx.set("next_increase", next)
                ctx.closeTable()
            } else {
                ctx.set("headroom", amount: .zero, decimals: 18, type: amountType)
            }
            ctx.closeTable()
        }
        ctx.closeTable()
        return ctx.finish()
    }
}
