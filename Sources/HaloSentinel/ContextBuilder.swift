import HaloArtifacts
import HaloCore
import LuaSandbox

/// Builds the read-only `ctx` a hook receives: every table frozen, amounts exact.
enum ContextBuilder {
    static func context(for sentinel: UnitSentinel, hook: String, cycle: CycleInfo?) -> LuaTable {
        let unit = sentinel.unit
        let artifact = sentinel.artifact
        let now = sentinel.now
        var ctx = LuaTable(frozen: true)
        ctx.set("time", .integer(now.seconds))
        ctx.set("time_iso", .string(now.iso8601))
        ctx.set("unit", .string(artifact.name))
        ctx.set("hook", .string(hook))
        ctx.set("assets", record([("underlying", .string(artifact.underlying)), ("share", .string(artifact.share))]))
        ctx.set("params", record(artifact.params.map { ($0.key, LuaValue.string($0.value)) }))
        if let latest = sentinel.reports.last { ctx.set("report", report(latest)) }
        ctx.set("reports", .table(LuaTable(array: sentinel.reports.map(report), frozen: true)))

        let underlyingDecimals = UInt8(artifact.decimals(of: artifact.underlying))
        let shareDecimals = UInt8(artifact.decimals(of: artifact.share))
        ctx.set("queues", record([
            ("subscribe", queue(unit.subscribeQueue, decimals: underlyingDecimals, shareDecimals: underlyingDecimals)),
            ("redeem", queue(unit.redeemQueue, decimals: shareDecimals, shareDecimals: shareDecimals)),
        ]))

        var limits: [(String, LuaValue)] = []
        for key in unit.rateLimits.keys.sorted() {
            guard let limit = unit.rateLimits.limit(key) else { continue }
            if limit.isUnlimited {
                limits.append((key, record([("unlimited", .boolean(true))])))
            } else {
                limits.append((key, record([
                    ("unlimited", .boolean(false)),
                    ("current", amount(limit.current(at: now), underlyingDecimals)),
                    ("max", amount(limit.maxAmount, underlyingDecimals)),
                    ("slope", amount(limit.slope, underlyingDecimals)),
                    ("last_amount", amount(limit.lastAmount, underlyingDecimals)),
                    ("last_updated", .integer(limit.lastUpdated.seconds)),
                ])))
            }
        }
        ctx.set("rate_limits", record(limits))
        ctx.set("exchange_rate", AmountBinding.value(Amount(units: unit.exchangeRate.wad, decimals: 18)))
        if let last = sentinel.lastSettlement {
            ctx.set("last_settlement", record([
                ("time", .integer(last.time.seconds)),
                ("exchange_rate", AmountBinding.value(Amount(units: last.rate.wad, decimals: 18))),
            ]))
        }
        if let cycle {
            let since = cycle.lastSettlement.map { cycle.settleTime.seconds - $0.seconds }
            var fields: [(String, LuaValue)] = [
                ("lock_time", .integer(cycle.lockTime.seconds)),
                ("settle_time", .integer(cycle.settleTime.seconds)),
            ]
            if let since {
                fields.append(("seconds_since_last_settlement", .integer(since)))
                fields.append(("days_since_last_settlement", .integer(max(1, since / 86_400))))
            } else {
                fields.append(("days_since_last_settlement", .integer(1)))
            }
            ctx.set("cycle", record(fields))
        }

        // The Unit's own accounts and the supply of each asset: what a settlement decision
        // needs. Primes' individual balances are left out so a call costs the same with ten
        // accounts or a million (`halo bench`'s dry-run year).
        var balances: [(String, LuaValue)] = []
        var supply: [(String, LuaValue)] = []
        for account in [HaloUnit.subscribeQueueAccount, HaloUnit.redeemQueueAccount, HaloUnit.almProxyAccount,
                        HaloUnit.assetManagerAccount].sorted() {
            var entries: [(String, LuaValue)] = []
            for asset in [artifact.share, artifact.underlying].sorted() {
                let units = unit.ledger.balance(of: account, asset: asset)
                if !units.isZero { entries.append((asset, amount(units, UInt8(artifact.decimals(of: asset))))) }
            }
            balances.append((account, record(entries)))
        }
        for asset in [artifact.share, artifact.underlying].sorted() {
            supply.append((asset, amount(unit.ledger.supply(of: asset), UInt8(artifact.decimals(of: asset)))))
        }
        ctx.set("ledger", record([("balances", record(balances)), ("supply", record(supply))]))
        ctx.set("flags", record([
            ("subscriptions_halted", .boolean(unit.subscriptionsHalted)),
            ("relayer_frozen", .boolean(unit.controller.isFrozen)),
            ("skip_next_cycle", .boolean(sentinel.flags.skipNextCycle)),
            ("migrating", .boolean(sentinel.flags.migrating)),
        ]))
        return ctx
    }

    static func record(_ fields: [(String, LuaValue)]) -> LuaValue {
        var table = LuaTable(frozen: true)
        for (key, value) in fields { table.set(key, value) }
        return .table(table)
    }

    static func amount(_ units: UInt256, _ decimals: UInt8) -> LuaValue {
        AmountBinding.value(Amount(units: units, decimals: decimals))
    }

    static func queue(_ queue: LCTSQueue, decimals: UInt8, shareDecimals: UInt8) -> LuaValue {
        record([
            ("status", .string(queue.status.rawValue)),
            ("generation", .integer(Int64(queue.generation))),
            ("total_shares", amount(queue.totalShares, shareDecimals)),
            ("total_underlying", amount(queue.totalUnderlying, decimals)),
            ("reward_per_token", amount(queue.reportedRewardPerToken, 18)),
        ])
    }

    static func report(_ report: ManagerReport) -> LuaValue {
        var fields: [(String, LuaValue)] = [("time", .integer(report.time.seconds))]
        for field in report.fields { fields.append((field.name, value(field.value))) }
        return record(fields)
    }

    /// A report or state value in Lua.
    static func value(_ value: ReportValue) -> LuaValue {
        switch value {
        case .amount(let amount): return AmountBinding.value(amount)
        case .text(let text): return .string(text)
        case .bool(let flag): return .boolean(flag)
        case .list(let values): return .table(LuaTable(array: values.map(Self.value), frozen: true))
        case .record(let fields): return record(fields.map { ($0.name, Self.value($0.value)) })
        }
    }

    static func signalValue(_ signal: RaisedSignal) -> LuaValue {
        record([
            ("code", .string(signal.code)),
            ("severity", .string(signal.severity.rawValue)),
            ("message", .string(signal.message)),
            ("time", .integer(signal.time.seconds)),
        ])
    }

    /// A Lua value as JSON for traces: amounts as exact decimal strings.
    static func json(_ value: LuaValue) -> JSONValue {
        switch value {
        case .nil: return .null
        case .boolean(let flag): return .bool(flag)
        case .integer(let number): return .int(number)
        case .number(let float): return .string("\(float)")
        case .string(let text): return .string(text)
        case .userdata(let userdata):
            return AmountBinding.amount(fromPayload: userdata.bytes).map { .string($0.description) } ?? .string(userdata.typeName)
        case .table(let table):
            if !table.entries.isEmpty, let items = DecisionValidator.sequence(table) { return .array(items.map(json)) }
            return .object(table.pairs.compactMap { key, value in
                switch key {
                case .string(let name): return (name, json(value))
                case .integer(let index): return (String(index), json(value))
                default: return nil
                }
            })
        default: return .string("function")
        }
    }
}
