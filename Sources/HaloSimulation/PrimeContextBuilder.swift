import HaloArtifacts
import HaloCore
import HaloSentinel
import LuaSandbox

/// Builds the read-only `ctx` of a Prime's `allocate`: the Prime (balances, capital,
/// encumbrance, positions) and the universe (every Unit of every Halo it is given).
///
/// The Unit part that is the same for every Prime is built once per day (``universeBase``);
/// each Prime adds its own rate-limit headroom.
enum PrimeContextBuilder {
    /// End-of-day exchange rates in `universe[unit].rate_history`, oldest first.
    static let rateHistoryLength = 8

    static func record(_ fields: [(String, LuaValue)]) -> LuaValue {
        .table(LuaTable(entries: fields.map { LuaTable.Entry(key: .string($0.0), value: $0.1) }, frozen: true))
    }

    static func amount(_ units: UInt256, _ decimals: Int = 18) -> LuaValue {
        SandboxedPolicy.value(Amount(units: units, decimals: UInt8(decimals)))
    }

    static func rate(_ rate: Rate) -> LuaValue { amount(rate.wad) }

    static func queue(_ queue: LCTSQueue, decimals: Int) -> LuaValue {
        record([("status", .string(queue.status.rawValue)), ("total_underlying", amount(queue.totalUnderlying, decimals))])
    }

    /// Per Unit, the fields every Prime sees alike.
    static func universeBase(_ unit: SimulatedUnit) -> [LuaTable.Entry] {
        let core = unit.sentinel.unit
        var fields: [(String, LuaValue)] = [
            ("halo", .string(unit.halo)),
            ("class", .string(unit.assetClass)),
            ("crr", rate(unit.crr)),
            ("onboarded", .boolean(unit.onboarded)),
            ("subscriptions_halted", .boolean(core.subscriptionsHalted)),
            ("exchange_rate", rate(core.exchangeRate)),
            // A week and a day: enough for a policy's own yield estimate; `apy_30d` covers the month.
            ("rate_history", .table(LuaTable(array: unit.rateHistory.suffix(rateHistoryLength).map(rate), frozen: true))),
            ("apy_30d", SandboxedPolicy.value(unit.apy30d)),
            ("queues", record([("subscribe", queue(core.subscribeQueue, decimals: 18)),
                               ("redeem", queue(core.redeemQueue, decimals: unit.shareDecimals))])),
        ]
        if let deposit = core.rateLimits.limit(HaloUnit.depositKey), !deposit.isUnlimited {
            fields.append(("deposit_headroom", amount(deposit.current(at: unit.sentinel.now))))
        }
        return fields.map { LuaTable.Entry(key: .string($0.0), value: $0.1) }
    }

    /// `positions`: each Unit's ``PrimeRuntime/position(in:)`` in `units` order, as `view` was made from.
    static func context(prime: PrimeRuntime, view: PrimeView, positions: [PrimeRuntime.Position], units: [SimulatedUnit],
                        base: [[LuaTable.Entry]], day: Int, at time: Timestamp) -> LuaTable {
        let artifact = prime.artifact
        var positionEntries: [LuaTable.Entry] = []
        var universe: [LuaTable.Entry] = []
        universe.reserveCapacity(units.count)
        for (index, unit) in units.enumerated() {
            var entries: [LuaTable.Entry] = []
            entries.reserveCapacity(base[index].count + 2)
            entries.append(contentsOf: base[index])
            if let limit = prime.limits.limit(unit.name) {
                let current = amount(limit.current(at: time))
                entries.append(LuaTable.Entry(key: "headroom", value: current))
                var next = time.seconds
                if let last = prime.configurator.lastIncrease[unit.name] {
                    next = max(next, last.seconds + prime.configurator.hop.milliseconds / 1000)
                }
                entries.append(LuaTable.Entry(key: "rate_limit", value: record([
                    ("max", amount(limit.maxAmount)), ("slope", amount(limit.slope)),
                    ("current", current), ("next_increase", .integer(next)),
                ])))
            } else {
                entries.append(LuaTable.Entry(key: "headroom", value: amount(.zero)))
            }
            universe.append(LuaTable.Entry(key: .string(unit.name), value: .table(LuaTable(entries: entries, frozen: true))))
            if let exposure = view.exposure[unit.name] {
                let position = positions[index]
                positionEntries.append(LuaTable.Entry(key: .string(unit.name), value: record([
                    ("shares", amount(position.shares, unit.shareDecimals)), ("held", amount(position.held, unit.shareDecimals)),
                    ("value", amount(position.value)), ("pending", amount(position.pending)), ("exposure", amount(exposure)),
                ])))
            }
        }
        var classCaps: [(String, LuaValue)] = []
        for key in artifact.constraints.classCaps.keys.sorted() { classCaps.append((key, rate(artifact.constraints.classCaps[key]!))) }
        return LuaTable(entries: [
            LuaTable.Entry(key: "time", value: .integer(time.seconds)),
            LuaTable.Entry(key: "time_iso", value: .string(time.iso8601)),
            LuaTable.Entry(key: "day", value: .integer(Int64(day))),
            LuaTable.Entry(key: "params", value: record(artifact.params.map { ($0.key, LuaValue.string($0.value)) })),
            LuaTable.Entry(key: "constraints", value: record([
                ("encumbrance_max", rate(artifact.constraints.encumbranceMax)),
                ("unit_cap", rate(artifact.constraints.unitCap)),
                ("class_caps", record(classCaps)),
            ])),
            LuaTable.Entry(key: "prime", value: record([
                ("name", .string(artifact.name)),
                ("usds", amount(view.usds)),
                ("capital", amount(artifact.capital.units)),
                ("encumbrance", amount(view.encumbrance)),
                ("encumbrance_limit", amount(view.encumbranceLimit)),
                ("portfolio", amount(view.portfolio)),
                ("positions", .table(LuaTable(entries: positionEntries, frozen: true))),
            ])),
            LuaTable.Entry(key: "universe", value: .table(LuaTable(entries: universe, frozen: true))),
        ], frozen: true)
    }
}
