import HaloArtifacts
import HaloCore

/// Compares an `expect` step with the Sentinel's state; returns one line per mismatch.
enum ExpectationChecker {
    static func check(_ expectation: Expectation, against sentinel: UnitSentinel) -> [String] {
        var mismatches: [String] = []
        let unit = sentinel.unit
        let artifact = sentinel.artifact
        func compare<T: Equatable & CustomStringConvertible>(_ label: String, _ actual: T, _ expected: T?) {
            if let expected, expected != actual { mismatches.append("\(label): expected \(expected), got \(actual)") }
        }

        for (account, balances) in expectation.accounts + expectation.unitAccounts {
            for (asset, expected) in balances {
                let actual = Amount(units: unit.ledger.balance(of: account, asset: asset), decimals: UInt8(artifact.decimals(of: asset)))
                compare("accounts.\(account).\(asset)", actual, expected)
            }
        }
        for (kind, expected) in expectation.queues {
            let queue = kind == .subscribe ? unit.subscribeQueue : unit.redeemQueue
            let decimals = UInt8(artifact.decimals(of: kind == .subscribe ? artifact.underlying : artifact.share))
            let label = "queues.\(kind.rawValue)"
            compare("\(label).status", queue.status.rawValue, expected.status)
            compare("\(label).generation", Int(queue.generation), expected.generation)
            compare("\(label).total_shares", Amount(units: queue.totalShares, decimals: decimals), expected.totalShares)
            compare("\(label).total_underlying", Amount(units: queue.totalUnderlying, decimals: decimals), expected.totalUnderlying)
            compare("\(label).reward_per_token", Rate(wad: queue.reportedRewardPerToken), expected.rewardPerToken)
        }
        let decimals = UInt8(artifact.decimals(of: artifact.underlying))
        for (key, expected) in expectation.rateLimits {
            // A key never set reads as all zeros, as on chain (the peer implementation).
            let limit = unit.rateLimits.limit(key) ?? RateLimit(maxAmount: .zero, slope: .zero, lastAmount: .zero,
                                                                 lastUpdated: Timestamp(seconds: 0))
            func value(_ units: UInt256) -> LimitValue {
                limit.isUnlimited && units == .max ? .unlimited : .amount(Amount(units: units, decimals: decimals))
            }
            let label = "rate_limits.\(key)"
            compare("\(label).current", value(limit.current(at: sentinel.now)), expected.current)
            compare("\(label).max", value(limit.maxAmount), expected.maxAmount)
            compare("\(label).slope", Amount(units: limit.slope, decimals: decimals), expected.slope)
            compare("\(label).last_amount", value(limit.lastAmount), expected.lastAmount)
            if let when = expected.lastUpdated, when != limit.lastUpdated {
                mismatches.append("\(label).last_updated: expected \(when.iso8601), got \(limit.lastUpdated.iso8601)")
            }
        }
        compare("exchange_rate", unit.exchangeRate, expectation.exchangeRate)
        if let expected = expectation.signals {
            let actual = sentinel.raisedCodes
            if Set(expected) != actual {
                mismatches.append("signals: expected [\(expected.sorted().joined(separator: ", "))], raised [\(actual.sorted().joined(separator: ", "))]")
            }
        }
        if let expected = expectation.actions {
            let actual = sentinel.appliedActions
            if Set(expected) != actual {
                mismatches.append("actions: expected [\(expected.sorted().joined(separator: ", "))], applied [\(actual.sorted().joined(separator: ", "))]")
            }
        }
        if !expectation.flags.isEmpty, let flags = sentinel.snapshot()["flags"] {
            for (name, expected) in expectation.flags {
                if flags[name] != .bool(expected) { mismatches.append("flags.\(name): expected \(expected), got \(flags[name].map(plain) ?? "-")") }
            }
        }
        if !expectation.state.isEmpty {
            let actual = StateStore.json(sentinel.state)
            for field in expectation.state {
                let expected = plain(StateStore.json(StateStore.table(from: [field]))[field.name] ?? .null)
                let got = actual[field.name].map(plain) ?? "nil"
                if expected != got { mismatches.append("state.\(field.name): expected \(expected), got \(got)") }
            }
        }
        return mismatches
    }

    /// A JSON value as plain text, so a state value written by the policy as an integer and one
    /// written in a fixture as a decimal string compare equal when they read the same.
    static func plain(_ value: JSONValue) -> String {
        switch value {
        case .null: return "nil"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .string(let text): return text
        case .array(let items): return "[" + items.map(plain).joined(separator: ", ") + "]"
        case .object(let pairs): return "{" + pairs.map { "\($0.0): \(plain($0.1))" }.joined(separator: ", ") + "}"
        }
    }
}
