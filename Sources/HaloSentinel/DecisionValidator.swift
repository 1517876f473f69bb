import HaloArtifacts
import HaloCore
import LuaSandbox

/// What the settle check needs to know about the Unit at the moment of the decision.
struct SettleView {
    var now: Timestamp
    /// When the decision applies: the rate's increase is bounded by the time between
    /// settlements (Friday 16:00 to Monday 16:00 is three days).
    var settleTime: Timestamp
    var subscribeStatus: QueueStatus
    var subscribeTotal: Amount          // USDS waiting in the subscribe queue
    var redeemStatus: QueueStatus
    var redeemTotal: Amount             // Unit shares waiting in the redeem queue
    var currentRate: Rate
    var lastSettlement: Timestamp?
    var maxRateIncreasePerDay: Rate     // a fraction per day, WAD
    var depositCurrent: UInt256?        // nil: unlimited
    var withdrawCurrent: UInt256?       // nil: unlimited
    var relayerFrozen: Bool
    var underlyingDecimals: Int
    var shareDecimals: Int
}

/// Every check of a policy's decision lives here: a policy proposes, this decides whether the
/// proposal is well-formed and within bounds. Nothing here changes state.
enum DecisionValidator {
    static let settleFields: Set<String> = ["subscribe", "redeem", "exchange_rate", "note"]
    static let maxSignals = 64
    static let maxActions = 64

    // MARK: settle

    static func settle(_ results: [LuaValue], view: SettleView) throws(PolicyFailure) -> SettleDecision {
        guard case .table(let table)? = results.first else {
            throw .bad("settle must return a table { subscribe = ..., redeem = ..., exchange_rate = ... }, got \(describe(results.first))")
        }
        let fields = try stringKeyed(table, what: "the settle decision")
        for key in fields.keys where !settleFields.contains(key) {
            throw .bad("unknown field '\(key)' in the settle decision (known: exchange_rate, note, redeem, subscribe)")
        }
        let subscribe = try amount(fields["subscribe"], decimals: view.underlyingDecimals, what: "subscribe") ?? .zero
        let redeem = try amount(fields["redeem"], decimals: view.shareDecimals, what: "redeem") ?? .zero
        var note: String?
        if let value = fields["note"] {
            guard case .string(let text) = value else { throw .bad("note must be a string") }
            note = String(text.prefix(500))
        }
        var rate: Rate?
        if let value = fields["exchange_rate"] {
            let proposed = try amount(value, decimals: 18, what: "exchange_rate")!
            guard !proposed.units.isZero else { throw .bad("exchange_rate must be above zero") }
            rate = Rate(wad: proposed.units)
        }

        try checkCapacity(subscribe, total: view.subscribeTotal, status: view.subscribeStatus, queue: "subscribe")
        try checkCapacity(redeem, total: view.redeemTotal, status: view.redeemStatus, queue: "redeem")

        let effectiveRate = rate ?? view.currentRate
        if let rate, rate > view.currentRate {
            let bound = try increaseBound(view: view)
            guard rate <= bound else {
                throw .bad("exchange_rate \(rate) rises above the bound \(bound) (max_rate_increase_per_day \(view.maxRateIncreasePerDay) since \(view.lastSettlement?.iso8601 ?? "the start"))")
            }
        }

        // Netting: the queues cancel first; only the rest moves to or from the asset manager,
        // and that rest must fit the rate limits now.
        let redeemValue = try exact { () throws(AmountError) in
            try UInt256.mulDiv(redeem.units, effectiveRate.wad, Rate.one.wad)
        }
        let matched = min(subscribe.units, redeemValue)
        let toManager = try exact { () throws(AmountError) in try subscribe.units.subtracting(matched) }
        let fromManager = try exact { () throws(AmountError) in try redeemValue.subtracting(matched) }
        if view.relayerFrozen, !toManager.isZero || !fromManager.isZero {
            throw .bad("the relayer is frozen: no flow to or from the asset manager is possible (net \(format(toManager, view)) out, \(format(fromManager, view)) in)")
        }
        if let limit = view.depositCurrent, toManager > limit {
            throw .bad("subscribe capacity nets to \(format(toManager, view)) USDS to the asset manager, above the deposit rate limit's current \(format(limit, view))")
        }
        if let limit = view.withdrawCurrent, fromManager > limit {
            throw .bad("redeem capacity nets to \(format(fromManager, view)) USDS from the asset manager, above the withdraw rate limit's current \(format(limit, view))")
        }
        return SettleDecision(subscribeCapacity: subscribe, redeemCapacity: redeem, exchangeRate: rate, note: note)
    }

    static func checkCapacity(_ capacity: Amount, total: Amount, status: QueueStatus, queue: String) throws(PolicyFailure) {
        guard !capacity.units.isZero else { return }
        guard status == .locked else {
            throw .bad("\(queue) capacity \(capacity) for a queue that is \(status.rawValue), not locked")
        }
        guard capacity <= total else {
            throw .bad("\(queue) capacity \(capacity) exceeds the queue's total_underlying \(total)")
        }
    }

    /// rate * (1 + perDay * elapsed / 1 day), elapsed at least one day.
    static func increaseBound(view: SettleView) throws(PolicyFailure) -> Rate {
        let day: Int64 = 86_400
        var elapsed = day
        if let last = view.lastSettlement { elapsed = max(day, view.settleTime.seconds - last.seconds) }
        return try exact { () throws(AmountError) in
            let perDay = try UInt256.mulDiv(view.currentRate.wad, view.maxRateIncreasePerDay.wad, Rate.one.wad)
            let increase = try UInt256.mulDiv(perDay, UInt256(UInt64(elapsed)), UInt256(UInt64(day)))
            return Rate(wad: try view.currentRate.wad.adding(increase))
        }
    }

    // MARK: signals

    static func signals(_ results: [LuaValue], declared: [String], at time: Timestamp) throws(PolicyFailure) -> [RaisedSignal] {
        guard let first = results.first, first != .nil else { return [] }
        guard case .table(let table) = first, let items = sequence(table) else {
            throw .bad("signals must return a list of halo.signal(...), got \(describe(first))")
        }
        guard items.count <= maxSignals else { throw .bad("signals returned \(items.count) signals; at most \(maxSignals)") }
        var raised: [RaisedSignal] = []
        for (index, item) in items.enumerated() {
            guard case .table(let entry) = item else { throw .bad("signal #\(index + 1) is \(describe(item)), not a table") }
            let fields = try stringKeyed(entry, what: "signal #\(index + 1)")
            guard case .string(let code)? = fields["code"] else { throw .bad("signal #\(index + 1) has no code") }
            guard declared.contains(code) || code == UnitSentinel.policyFailure else {
                throw .bad("signal '\(code)' is not declared in the Unit Artifact's signals (\(declared.joined(separator: ", ")))")
            }
            var severity = Severity.warning
            if let value = fields["severity"] {
                guard case .string(let text) = value, let parsed = Severity(rawValue: text) else {
                    throw .bad("signal '\(code)' has severity \(describe(value)); use info, warning, alert or critical")
                }
                severity = parsed
            }
            var message = ""
            if let value = fields["message"] {
                guard case .string(let text) = value else { throw .bad("signal '\(code)' message must be a string") }
                message = String(text.prefix(500))
            }
            raised.append(RaisedSignal(time: time, code: code, severity: severity, message: message))
        }
        return raised
    }

    // MARK: actions

    static let actionFields: Set<String> = ["action", "reason", "key", "max", "slope", "rate", "severity", "text"]

    /// The actions of a `respond` result or a migration plan (`note` steps only in plans).
    static func actions(_ results: [LuaValue], hook: String, underlyingDecimals: Int) throws(PolicyFailure) -> [ProposedAction] {
        guard let first = results.first, first != .nil else { return [] }
        guard case .table(let table) = first, let items = sequence(table) else {
            throw .bad("\(hook) must return a list of actions, got \(describe(first))")
        }
        guard items.count <= maxActions else { throw .bad("\(hook) returned \(items.count) actions; at most \(maxActions)") }
        var proposed: [ProposedAction] = []
        for (index, item) in items.enumerated() {
            let label = "\(hook) action #\(index + 1)"
            guard case .table(let entry) = item else { throw .bad("\(label) is \(describe(item)), not a table") }
            let fields = try stringKeyed(entry, what: label)
            for key in fields.keys where !actionFields.contains(key) {
                throw .bad("\(label) has unknown field '\(key)'")
            }
            guard case .string(let name)? = fields["action"] else { throw .bad("\(label) has no action name") }
            var action = ProposedAction(name: name, reason: "")
            if case .string(let reason)? = fields["reason"] { action.reason = String(reason.prefix(500)) }
            if case .string(let text)? = fields["text"], action.reason.isEmpty { action.reason = String(text.prefix(500)) }
            if let key = fields["key"] {
                guard case .string(let text) = key else { throw .bad("\(label): key must be a string") }
                action.key = text
            }
            action.maxAmount = try amount(fields["max"], decimals: underlyingDecimals, what: "\(label) max")
            action.slope = try amount(fields["slope"], decimals: underlyingDecimals, what: "\(label) slope")
            if let value = fields["rate"], let rate = try amount(value, decimals: 18, what: "\(label) rate") {
                action.rate = Rate(wad: rate.units)
            }
            if let value = fields["severity"] {
                guard case .string(let text) = value, let severity = Severity(rawValue: text) else {
                    throw .bad("\(label): severity is info, warning, alert or critical")
                }
                action.severity = severity
            }
            proposed.append(action)
        }
        return proposed
    }

    // MARK: values

    /// An amount from a decision: an `halo.amount` or an exact decimal string; floats and
    /// bare integers are refused (a float is not exact; an integer is ambiguous between
    /// tokens and base units).
    static func amount(_ value: LuaValue?, decimals: Int, what name: @autoclosure () -> String) throws(PolicyFailure) -> Amount? {
        guard let value, value != .nil else { return nil }
        // The name of the value is only built for a refusal.
        var what: String { name() }
        switch value {
        case .userdata(let userdata) where userdata.typeName == AmountBinding.typeName:
            guard let amount = AmountBinding.amount(fromPayload: userdata.bytes) else { throw .bad("\(what): corrupt amount") }
            guard Int(amount.decimals) == decimals else {
                throw .bad("\(what): an amount with \(amount.decimals) decimals where \(decimals) are due")
            }
            return amount
        case .string(let text):
            do { return try Amount(parsing: text, decimals: decimals) }
            catch { throw .bad("\(what): '\(text)' is not an exact amount (\(error.message))") }
        case .number(let float):
            throw .bad("\(what): the float \(float) is not an exact amount; return halo.amount(...) or a decimal string")
        case .integer(let whole):
            throw .bad("\(what): the integer \(whole) is ambiguous; return halo.amount(\(whole)) or \"\(whole)\"")
        default:
            throw .bad("\(what): expected an amount, got \(describe(value))")
        }
    }

    static func exact<T>(_ body: () throws(AmountError) -> T) throws(PolicyFailure) -> T {
        do { return try body() } catch { throw .bad("arithmetic: \(error.message)") }
    }

    static func format(_ units: UInt256, _ view: SettleView) -> String {
        Amount(units: units, decimals: UInt8(view.underlyingDecimals)).description
    }

    static func describe(_ value: LuaValue?) -> String {
        guard let value else { return "nothing" }
        return LuaValueDescription.typeName(value)
    }

    /// A table whose keys are all strings, as a dictionary; other keys are a bad decision.
    static func stringKeyed(_ table: LuaTable, what: String) throws(PolicyFailure) -> [String: LuaValue] {
        var result: [String: LuaValue] = [:]
        for (key, value) in table.pairs {
            guard case .string(let name) = key else { throw .bad("\(what) has a non-string key \(describe(key))") }
            result[name] = value
        }
        return result
    }

    /// The values of a sequence 1...n, or nil when the table is not one.
    static func sequence(_ table: LuaTable) -> [LuaValue]? {
        var byIndex: [Int64: LuaValue] = [:]
        for (key, value) in table.pairs {
            guard case .integer(let index) = key, index >= 1 else { return nil }
            byIndex[index] = value
        }
        var result: [LuaValue] = []
        for index in 1...Int64(max(byIndex.count, 1)) where !byIndex.isEmpty {
            guard let value = byIndex[index] else { return nil }
            result.append(value)
        }
        return result
    }
}
