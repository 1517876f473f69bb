import HaloArtifacts
import HaloCore

extension UnitSentinel {
    /// A status page of this Unit for `halo state`: exchange rate, queues, rate-limit headroom
    /// (current / max, in %, to two decimals, rounded down), the age of the last report, halts
    /// and flags with the reason they were set, the signals raised at the last evaluation and
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
        func reason(_ action: String) -> String {
            actions.last { $0.applied && $0.action == action }.map { ": \($0.reason) (\($0.time.iso8601))" } ?? ""
        }
        var flagLines: [String] = []
        if unit.subscriptionsHalted { flagLines.append("subscriptions halted" + reason("halt_subscriptions")) }
        if unit.controller.isFrozen { flagLines.append("relayer frozen" + reason("freeze")) }
        if flags.skipNextCycle { flagLines.append("next cycle skipped" + reason("skip_cycle")) }
        if flags.migrating { flagLines.append("migrating" + reason("migrate")) }
        lines.append("  halts, flags    " + (flagLines.isEmpty ? "none" : flagLines.joined(separator: "\n                  ")))
        if let latest = signals.last?.time {
            let active = signals.filter { $0.time == latest }
            lines.append("  signals         " + active.map { "\($0.code) (\($0.severity.rawValue)): \($0.message)" }
                .joined(separator: "\n                  ") + "  [\(latest.iso8601)]")
        } else {
            lines.append("  signals         none raised")
        }
        if let decision = decisions.last(where: { $0.hook == "settle" }) {
            var text = "  last decision   \(decision.time.iso8601) settle " + decision.result.serialized()
            if let failure = decision.failure { text += " [fallback: \(failure)]" }
            lines.append(text)
        } else {
            lines.append("  last decision   none yet")
        }
        return lines
    }
}
