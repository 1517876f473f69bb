import HaloArtifacts
import HaloCore

/// The last settle decision, the last signals and the last applied action of each kind,
/// kept when the Sentinel clears its logs (after each journaled batch, and during recovery).
struct StatusMemory {
    var lastSettle: DecisionRecord?
    var lastSignals: [RaisedSignal] = []
    var lastApplied: [String: ActionRecord] = [:]

    mutating func absorb(decisions: [DecisionRecord], signals: [RaisedSignal], actions: [ActionRecord]) {
        if let settle = decisions.last(where: { $0.hook == "settle" }) { lastSettle = settle }
        if let latest = signals.last?.time { lastSignals = signals.filter { $0.time == latest } }
        for action in actions where action.applied { lastApplied[action.action] = action }
    }
}

extension UnitSentinel {
    /// A status page of this Unit for `halo state`: exchange rate, queues, rate-limit headroom
    /// (current / max, in %, to two decimals, rounded down), the age of the last report, halts
    /// and flags with the reason they were set, the signals of the last evaluation that raised any, and
    /// the last decision. Lines without a trailing newline; times in UTC.
    public func statusPage() -> [String] {
        var lines = ["\(artifact.name)  (\(artifact.underlying) -> \(artifact.share), policy \(PolicyHost.chunkName(policyIdentity.file)))"]
        lines.append("  exchange rate   \(unit.exchangeRate)")
        let underlying = UInt8(artifact.decimals(of: artifact.underlying)), share = UInt8(artifact.decimals(of: artifact.share))
        for (name, queue, decimals) in [("subscribe", unit.subscribeQueue, underlying), ("redeem", unit.redeemQueue, share)] {
            var text = "  \(name) queue".padding(toLength: 18, withPad: " ", startingAt: 0) + queue.status.rawValue
            if queue.status != .dormant {
                text += ", generation \(queue.generation), \(Amount(units: queue.totalUnderlying, decimals: decimals)) waiting"
                    + " (\(Amount(units: queue.totalShares, decimals: decimals)) queue shares)"
            }
            lines.append(text)
        }
        for key in unit.rateLimits.keys.sorted() {
            guard let limit = unit.rateLimits.limit(key) else { continue }
            let label = "  limit \(key)".padding(toLength: 18, withPad: " ", startingAt: 0)
            if limit.isUnlimited { lines.append(label + "unlimited"); continue }
            let current = limit.current(at: now)
            let max = Amount(units: limit.maxAmount, decimals: underlying)
            let headroom: String
            if limit.maxAmount.isZero { headroom = "0%" } else {
                let basisPoints = (try? UInt256.mulDiv(current, UInt256(10_000), limit.maxAmount)) ?? .zero
                headroom = Amount(units: basisPoints, decimals: 2).description + "%"
            }
            lines.append(label + "\(headroom) headroom: \(Amount(units: current, decimals: underlying)) of \(max) available")
        }
        if let last = reports.last {
            let age = now.seconds - last.time.seconds
            lines.append("  last report     \(last.time.iso8601), \(age / 3600)h \((age % 3600) / 60)m ago")
        } else {
            lines.append("  last report     none received")
        }
        var memory = statusMemory
        memory.absorb(decisions: decisions, signals: signals, actions: actions)
        func reason(_ action: String) -> String {
            memory.lastApplied[action].map { ": \($0.reason) (\($0.time.iso8601))" } ?? ""
        }
        var flagLines: [String] = []
        if unit.subscriptionsHalted { flagLines.append("subscriptions halted" + reason("halt_subscriptions")) }
        if unit.controller.isFrozen { flagLines.append("relayer frozen" + reason("freeze")) }
        if flags.skipNextCycle { flagLines.append("next cycle skipped" + reason("skip_cycle")) }
        if flags.migrating { flagLines.append("migrating" + reason("migrate")) }
        lines.append("  halts, flags    " + (flagLines.isEmpty ? "none" : flagLines.joined(separator: "\n                  ")))
        if let latest = memory.lastSignals.first?.time {
            lines.append("  last signals    " + memory.lastSignals.map { "\($0.code) (\($0.severity.rawValue)): \($0.message)" }
                .joined(separator: "\n                  ") + "  [\(latest.iso8601)]")
        } else {
            lines.append("  last signals    none raised")
        }
        if let decision = memory.lastSettle {
            var text = "  last decision   \(decision.time.iso8601) settle " + decision.result.serialized()
            if let failure = decision.failure { text += " [fallback: \(failure)]" }
            lines.append(text)
        } else {
            lines.append("  last decision   none yet")
        }
        return lines
    }
}
