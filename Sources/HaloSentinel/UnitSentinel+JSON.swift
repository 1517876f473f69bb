import HaloArtifacts
import HaloCore

extension UnitSentinel {
    static func json(_ decision: SettleDecision) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("subscribe", .string(decision.subscribeCapacity.description)),
            ("redeem", .string(decision.redeemCapacity.description)),
            ("exchange_rate", decision.exchangeRate.map { .string($0.description) } ?? .null),
        ]
        if let note = decision.note { pairs.append(("note", .string(note))) }
        return .object(pairs)
    }

    static func json(_ signal: RaisedSignal) -> JSONValue {
        .object([("time", .string(signal.time.iso8601)), ("code", .string(signal.code)),
                 ("severity", .string(signal.severity.rawValue)), ("message", .string(signal.message))])
    }

    static func json(_ action: ProposedAction) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("action", .string(action.name))]
        if let key = action.key { pairs.append(("key", .string(key))) }
        if let maxAmount = action.maxAmount { pairs.append(("max", .string(maxAmount.description))) }
        if let slope = action.slope { pairs.append(("slope", .string(slope.description))) }
        if let rate = action.rate { pairs.append(("rate", .string(rate.description))) }
        if let severity = action.severity { pairs.append(("severity", .string(severity.rawValue))) }
        pairs.append(("reason", .string(action.reason)))
        return .object(pairs)
    }

    static func json(_ record: DecisionRecord) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("time", .string(record.time.iso8601)), ("hook", .string(record.hook)),
                                            ("result", record.result)]
        if let failure = record.failure {
            var error: [(String, JSONValue)] = [("code", .string(failure.code)), ("message", .string(failure.message))]
            if let location = failure.location { error.append(("location", .string(location))) }
            pairs.append(("error", .object(error)))
        }
        return .object(pairs)
    }

    static func json(_ record: ActionRecord) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("time", .string(record.time.iso8601)), ("action", .string(record.action)),
                                            ("applied", .bool(record.applied)), ("reason", .string(record.reason))]
        if let code = record.code { pairs.append(("code", .string(code))) }
        return .object(pairs)
    }

    /// The Unit's state in the shape of dry-run's `final` (and `halo state`).
    public func snapshot() -> JSONValue {
        let underlyingDecimals = UInt8(artifact.decimals(of: artifact.underlying))
        let shareDecimals = UInt8(artifact.decimals(of: artifact.share))
        func amount(_ units: UInt256, _ decimals: UInt8) -> JSONValue { .string(Amount(units: units, decimals: decimals).description) }

        var accounts: [(String, JSONValue)] = []
        var system: [(String, JSONValue)] = []
        for (account, assets) in unit.ledger.allBalances.sorted(by: { $0.key < $1.key }) {
            var entries: [(String, JSONValue)] = []
            for (asset, units) in assets.sorted(by: { $0.key < $1.key }) where !units.isZero {
                entries.append((asset, amount(units, UInt8(artifact.decimals(of: asset)))))
            }
            guard !entries.isEmpty else { continue }
            if account.hasPrefix("unit:") { system.append((account, .object(entries))) }
            else { accounts.append((account, .object(entries))) }
        }
        func queue(_ queue: LCTSQueue, _ decimals: UInt8) -> JSONValue {
            .object([
                ("status", .string(queue.status.rawValue)),
                ("generation", .int(Int64(queue.generation))),
                ("total_shares", amount(queue.totalShares, decimals)),
                ("total_underlying", amount(queue.totalUnderlying, decimals)),
                ("reward_per_token", .string(Rate(wad: queue.reportedRewardPerToken).description)),
            ])
        }
        var limits: [(String, JSONValue)] = []
        for key in unit.rateLimits.keys.sorted() {
            guard let limit = unit.rateLimits.limit(key) else { continue }
            if limit.isUnlimited {
                limits.append((key, .object([
                    ("current", .string("unlimited")), ("max", .string("unlimited")), ("slope", amount(limit.slope, underlyingDecimals)),
                    ("last_amount", .string("unlimited")), ("last_updated", .string(limit.lastUpdated.iso8601)),
                ])))
            } else {
                limits.append((key, .object([
                    ("current", amount(limit.current(at: now), underlyingDecimals)),
                    ("max", amount(limit.maxAmount, underlyingDecimals)),
                    ("slope", amount(limit.slope, underlyingDecimals)),
                    ("last_amount", amount(limit.lastAmount, underlyingDecimals)),
                    ("last_updated", .string(limit.lastUpdated.iso8601)),
                ])))
            }
        }
        return .object([
            ("time", .string(now.iso8601)),
            ("exchange_rate", .string(unit.exchangeRate.description)),
            ("accounts", .object(accounts)),
            ("queues", .object([("subscribe", queue(unit.subscribeQueue, underlyingDecimals)),
                                ("redeem", queue(unit.redeemQueue, shareDecimals))])),
            ("rate_limits", .object(limits)),
            ("unit_accounts", .object(system)),
            ("flags", .object([
                ("subscriptions_halted", .bool(unit.subscriptionsHalted)),
                ("relayer_frozen", .bool(unit.controller.isFrozen)),
                ("skip_next_cycle", .bool(flags.skipNextCycle)),
                ("migrating", .bool(flags.migrating)),
            ])),
            ("state", StateStore.json(state)),
        ])
    }
}

extension UnitSentinel {
    /// What an `expect` step can check, now: ``snapshot()`` plus the distinct `signals` raised
    /// and `actions` applied so far (sorted), the shape `halo test --update` writes back.
    public func observedForExpect() -> JSONValue {
        guard case .object(var pairs) = snapshot() else { return snapshot() }
        pairs.append(("signals", .array(raisedCodes.sorted().map { .string($0) })))
        pairs.append(("actions", .array(appliedActions.sorted().map { .string($0) })))
        return .object(pairs)
    }
}
