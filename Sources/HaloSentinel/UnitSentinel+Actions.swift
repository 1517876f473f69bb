import HaloArtifacts
import HaloCore
import LuaSandbox

extension UnitSentinel {
    /// Applies one proposed action if the Unit Artifact allows it and the PAU bounds permit
    /// it; otherwise records it as refused with the reason.
    func applyAction(_ proposed: ProposedAction, at time: Timestamp, inPlan: Bool) {
        func refuse(_ code: String, _ reason: String) {
            actions.append(ActionRecord(time: time, action: proposed.name, applied: false, reason: reason, code: code))
        }
        func applied(_ note: String? = nil) {
            var reason = proposed.reason
            if let note { reason = reason.isEmpty ? note : "\(reason) (\(note))" }
            actions.append(ActionRecord(time: time, action: proposed.name, applied: true, reason: reason, code: nil))
        }
        if proposed.name == "note" {
            guard inPlan else { return refuse("bad-decision", "'note' steps belong in migration plans") }
            return applied()
        }
        guard let action = ResponseAction(rawValue: proposed.name) else {
            let known = ResponseAction.allCases.map(\.rawValue).joined(separator: ", ")
            return refuse("bad-decision", "unknown action '\(proposed.name)' (known: \(known))")
        }
        guard artifact.responses.contains(action) else {
            return refuse("action-not-allowed", "'\(action.rawValue)' is not among the Unit Artifact's responses")
        }
        do throws(HaloError) {
            switch action {
            case .haltSubscriptions:
                if !unit.subscriptionsHalted { try unit.haltSubscriptions(at: time) }
                applied()
            case .resumeSubscriptions:
                // Resuming increases exposure: not inside the processing window.
                guard !inProcessingWindow else { return refuse("action-not-allowed", "resuming waits until after settlement") }
                if unit.subscriptionsHalted { try unit.resumeSubscriptions(at: time) }
                applied()
            case .zeroRateLimit:
                guard let key = proposed.key else { return refuse("bad-decision", "zero_rate_limit needs a key") }
                guard unit.rateLimits.limit(key) != nil else { return refuse("rate-limit-not-set", "no rate limit '\(key)'") }
                try unit.setRateLimit(key: key, maxAmount: .zero, slope: .zero, at: time)
                applied()
            case .setRateLimit:
                guard let key = proposed.key, let maxAmount = proposed.maxAmount, let slope = proposed.slope else {
                    return refuse("bad-decision", "set_rate_limit needs key, max and slope")
                }
                if inProcessingWindow, let limit = unit.rateLimits.limit(key),
                   limit.isUnlimited || maxAmount.units > limit.maxAmount || slope.units > limit.slope {
                    return refuse("action-not-allowed", "inside the processing window only reductions take effect")
                }
                try unit.configureRateLimit(key: key, maxAmount: maxAmount.units, slope: slope.units, at: time)
                applied()
            case .haircut:
                guard let rate = proposed.rate else { return refuse("bad-decision", "haircut needs the new rate") }
                guard rate < unit.exchangeRate else {
                    return refuse("bad-decision", "a haircut lowers the rate; \(rate) is not below \(unit.exchangeRate)")
                }
                try unit.setExchangeRate(rate, at: time)
                applied("rate \(rate)")
            case .skipCycle:
                if inProcessingWindow {
                    pendingDecision = SettleDecision(subscribeCapacity: .zero, redeemCapacity: .zero, exchangeRate: nil,
                                                     note: "skip_cycle during the processing window")
                } else {
                    flags.skipNextCycle = true
                }
                applied()
            case .freeze:
                try unit.freeze(at: time)
                applied()
            case .migrate:
                guard !inPlan else { return refuse("bad-decision", "a migration plan cannot start another migration") }
                flags.migrating = true
                applied()
                runMigration(reason: proposed.reason, at: time)
            case .alert:
                applied(proposed.severity.map { "severity \($0.rawValue)" })
            }
        } catch {
            refuse(error.code, error.message)
        }
    }

    /// Asks the policy (or the Halo's migration procedure) for an ordered plan and applies
    /// its allowed steps in order.
    func runMigration(reason: String, at time: Timestamp) {
        var host = policy
        if host?.hooks.contains("migrate") != true, let procedure = migrationProcedure {
            do {
                let halo = try PolicyHost(file: procedure, limits: artifact.limits, stdlib: stdlib, pin: nil, requireSettle: false)
                host = halo.hooks.contains("migrate") ? halo : nil
            } catch {
                recordFailure(error, hook: "migrate", at: time, fallback: .array([]))
                return
            }
        }
        guard let host, host.hooks.contains("migrate") else {
            logDecision(DecisionRecord(time: time, hook: "migrate", result: .object([
                ("error", .string("no migrate hook in the policy nor a Halo migration procedure")),
            ]), failure: nil, instructions: 0))
            return
        }
        switch callHook("migrate", at: time, extra: [.string(reason)], using: host) {
        case .failure(let failure):
            recordFailure(failure, hook: "migrate", at: time, fallback: .array([]))
        case .success(let results):
            do {
                let plan = try DecisionValidator.actions(results, hook: "migrate",
                                                         underlyingDecimals: artifact.decimals(of: artifact.underlying))
                logDecision(DecisionRecord(time: time, hook: "migrate", result: .array(plan.map(Self.json)),
                                                failure: nil, instructions: host.lastCallStatistics.instructions))
                for step in plan { applyAction(step, at: time, inPlan: true) }
            } catch {
                recordFailure(error, hook: "migrate", at: time, fallback: .array([]))
            }
        }
    }

    /// Dry-runs the migration plan for `reason` on a copy: nothing here changes this Sentinel.
    public func migrationPlan(reason: String) -> (plan: [ProposedAction], failure: PolicyFailure?) {
        guard let host = policy, host.hooks.contains("migrate") else {
            return ([], PolicyFailure(code: "policy-error", message: "the policy has no migrate hook"))
        }
        let savedState = state
        defer { state = savedState }
        switch callHook("migrate", at: now, extra: [.string(reason)]) {
        case .failure(let failure): return ([], failure)
        case .success(let results):
            do {
                return (try DecisionValidator.actions(results, hook: "migrate",
                                                      underlyingDecimals: artifact.decimals(of: artifact.underlying)), nil)
            } catch {
                return ([], error)
            }
        }
    }
}
