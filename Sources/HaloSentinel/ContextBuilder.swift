import HaloArtifacts
import HaloCore
import LuaSandbox

/// Builds the read-only `ctx` a hook receives: every table frozen, amounts exact.
enum ContextBuilder {
    /// The ctx of `hook`, written straight into a policy call's buffer format for `types`
    /// (the host's): no ``LuaTable`` tree, one pass over the Unit's state.
    ///
    /// The Unit's state is read in place (`sentinel.unit.…`), never copied whole: a copy of a
    /// `HaloUnit` retains every table it holds, and a ctx is written for every hook call.
    static func context(for sentinel: UnitSentinel, hook: String, cycle: CycleInfo?, types: LuaUserdataTypes) -> EncodedLuaTable {
        let artifact = sentinel.artifact
        let now = sentinel.now
        let amountType = AmountBinding.typeID(in: types)
        var ctx = LuaTableWriter(types: types)
        ctx.set("time", now.seconds)
        ctx.set("time_iso", now.iso8601)
        ctx.set("unit", artifact.name)
        ctx.set("hook", hook)
        ctx.openTable("assets")
        ctx.set("underlying", artifact.underlying)
        ctx.set("share", artifact.share)
        ctx.closeTable()
        ctx.openTable("params")
        for param in artifact.params { ctx.set(param.key, param.value) }
        ctx.closeTable()
        if let latest = sentinel.reports.last {
            ctx.openTable("report")
            writeReport(latest, into: &ctx, amountType: amountType)
            ctx.closeTable()
        }
        ctx.openTable("reports")
        for (index, report) in sentinel.reports.enumerated() {
            ctx.openTable(index: Int64(index + 1))
            writeReport(report, into: &ctx, amountType: amountType)
            ctx.closeTable()
        }
        ctx.closeTable()

        let underlyingDecimals = UInt8(artifact.decimals(of: artifact.underlying))
        let shareDecimals = UInt8(artifact.decimals(of: artifact.share))
        ctx.openTable("queues")
        writeQueue("subscribe", sentinel.unit.subscribeQueue, decimals: underlyingDecimals, shareDecimals: underlyingDecimals, into: &ctx, amountType: amountType)
        writeQueue("redeem", sentinel.unit.redeemQueue, decimals: shareDecimals, shareDecimals: shareDecimals, into: &ctx, amountType: amountType)
        ctx.closeTable()

        ctx.openTable("rate_limits")
        for key in sentinel.unit.rateLimits.keys.sorted() {
            guard let limit = sentinel.unit.rateLimits.limit(key) else { continue }
            ctx.openTable(key)
            if limit.isUnlimited {
                ctx.set("unlimited", true)
            } else {
                ctx.set("unlimited", false)
                ctx.set("current", amount: limit.current(at: now), decimals: underlyingDecimals, type: amountType)
                ctx.set("max", amount: limit.maxAmount, decimals: underlyingDecimals, type: amountType)
                ctx.set("slope", amount: limit.slope, decimals: underlyingDecimals, type: amountType)
                ctx.set("last_amount", amount: limit.lastAmount, decimals: underlyingDecimals, type: amountType)
                ctx.set("last_updated", limit.lastUpdated.seconds)
            }
            ctx.closeTable()
        }
        ctx.closeTable()
        ctx.set("exchange_rate", amount: sentinel.unit.exchangeRate.wad, decimals: 18, type: amountType)
        if let last = sentinel.lastSettlement {
            ctx.openTable("last_settlement")
            ctx.set("time", last.time.seconds)
            ctx.set("exchange_rate", amount: last.rate.wad, decimals: 18, type: amountType)
            ctx.closeTable()
        }
        if let cycle {
            let since = cycle.lastSettlement.map { cycle.settleTime.seconds - $0.seconds }
            ctx.openTable("cycle")
            ctx.set("lock_time", cycle.lockTime.seconds)
            ctx.set("settle_time", cycle.settleTime.seconds)
            if let since {
                ctx.set("seconds_since_last_settlement", since)
                ctx.set("days_since_last_settlement", max(1, since / 86_400))
            } else {
                ctx.set("days_since_last_settlement", Int64(1))
            }
            ctx.closeTable()
        }

        // The Unit's own accounts and the supply of each asset: what a settlement decision
        // needs. Primes' individual balances are left out so a call costs the same with ten
        // accounts or a million (`halo bench`'s dry-run year).
        let assets = [artifact.share, artifact.underlying].sorted()
        ctx.openTable("ledger")
        ctx.openTable("balances")
        for account in unitAccounts {
            ctx.openTable(account)
            for asset in assets {
                let units = sentinel.unit.ledger.balance(of: account, asset: asset)
                if !units.isZero { ctx.set(asset, amount: units, decimals: UInt8(artifact.decimals(of: asset)), type: amountType) }
            }
            ctx.closeTable()
        }
        ctx.closeTable()
        ctx.openTable("supply")
        for asset in assets {
            ctx.set(asset, amount: sentinel.unit.ledger.supply(of: asset), decimals: UInt8(artifact.decimals(of: asset)), type: amountType)
        }
        ctx.closeTable()
        ctx.closeTable()
        ctx.openTable("flags")
        ctx.set("subscriptions_halted", sentinel.unit.subscriptionsHalted)
        ctx.set("relayer_frozen", sentinel.unit.controller.isFrozen)
        ctx.set("skip_next_cycle", sentinel.flags.skipNextCycle)
        ctx.set("migrating", sentinel.flags.migrating)
        ctx.closeTable()
        return ctx.finish()
    }

    /// The Unit's accounts in the ctx's `ledger.balances`, sorted.
    static let unitAccounts = [HaloUnit.subscribeQueueAccount, HaloUnit.redeemQueueAccount, HaloUnit.almProxyAccount,
                               HaloUnit.assetManagerAccount].sorted()

    static func writeQueue(_ key: String, _ queue: LCTSQueue, decimals: UInt8, shareDecimals: UInt8,
                           into ctx: inout LuaTableWriter, amountType: Int32) {
        ctx.openTable(key)
        ctx.set("status", queue.status.rawValue)
        ctx.set("generation", Int64(queue.generation))
        ctx.set("total_shares", amount: queue.totalShares, decimals: shareDecimals, type: amountType)
        ctx.set("total_underlying", amount: queue.totalUnderlying, decimals: decimals, type: amountType)
        ctx.set("reward_per_token", amount: queue.reportedRewardPerToken, decimals: 18, type: amountType)
        ctx.closeTable()
    }

    /// A report's fields into the open table: `time`, then each field in order.
    static func writeReport(_ report: ManagerReport, into ctx: inout LuaTableWriter, amountType: Int32) {
        ctx.set("time", report.time.seconds)
        for field in report.fields { writeValue(field.value, key: field.name, into: &ctx, amountType: amountType) }
    }

    static func writeValue(_ value: ReportValue, key: String, into ctx: inout LuaTableWriter, amountType: Int32) {
        switch value {
        case .amount(let amount): ctx.set(key, amount: amount.units, decimals: amount.decimals, type: amountType)
        case .text(let text): ctx.set(key, text)
        case .bool(let flag): ctx.set(key, flag)
        case .list(let values):
            ctx.openTable(key)
            for (index, element) in values.enumerated() { writeValue(element, index: Int64(index + 1), into: &ctx, amountType: amountType) }
            ctx.closeTable()
        case .record(let fields):
            ctx.openTable(key)
            for field in fields { writeValue(field.value, key: field.name, into: &ctx, amountType: amountType) }
            ctx.closeTable()
        }
    }

    static func writeValue(_ value: ReportValue, index: Int64, into ctx: inout LuaTableWriter, amountType: Int32) {
        switch value {
        case .amount(let amount): ctx.set(index: index, amount: amount.units, decimals: amount.decimals, type: amountType)
        case .text(let text): try? ctx.set(index: index, .string(text))
        case .bool(let flag): try? ctx.set(index: index, .boolean(flag))
        case .list(let values):
            ctx.openTable(index: index)
            for (position, element) in values.enumerated() { writeValue(element, index: Int64(position + 1), into: &ctx, amountType: amountType) }
            ctx.closeTable()
        case .record(let fields):
            ctx.openTable(index: index)
            for field in fields { writeValue(field.value, key: field.name, into: &ctx, amountType: amountType) }
            ctx.closeTable()
        }
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
