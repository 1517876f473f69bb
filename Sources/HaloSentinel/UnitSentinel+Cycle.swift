import Dispatch
import HaloArtifacts
import HaloCore
import LuaSandbox

extension UnitSentinel {
    // MARK: Hook calls

    /// Calls `hook` with a fresh read-only ctx; the policy's state is committed only on success.
    func callHook(_ hook: String, at time: Timestamp, cycle: CycleInfo? = nil, extra: [LuaValue] = [],
                  using host: PolicyHost? = nil) -> Result<[LuaValue], PolicyFailure> {
        if let shadow { askShadow(shadow, hook: hook, at: time, cycle: cycle, extra: extra) }
        if !replayTape.isEmpty {
            let outcome = replayTape.removeFirst()
            if outcome.hook == hook {
                if let failure = outcome.failure { return .failure(failure) }
                if let newState = outcome.state { state = newState }
                return .success(outcome.results ?? [])
            }
            replayDiverged = true
            replayTape = []
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let result = liveCall(hook, at: time, cycle: cycle, extra: extra, using: host)
        if let onHookCall {
            let failed: Bool
            if case .failure = result { failed = true } else { failed = false }
            onHookCall(HookCallMeasure(unit: artifact.name, hook: hook, instructions: (host ?? policy)?.lastCallStatistics.instructions ?? 0,
                                       seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, failed: failed))
        }
        if recordsTape {
            switch result {
            case .success(let results): recordedTape.append(HookOutcome(hook: hook, results: results, state: state, failure: nil))
            case .failure(let failure): recordedTape.append(HookOutcome(hook: hook, results: nil, state: nil, failure: failure))
            }
        }
        return result
    }

    private func liveCall(_ hook: String, at time: Timestamp, cycle: CycleInfo?, extra: [LuaValue],
                          using host: PolicyHost?) -> Result<[LuaValue], PolicyFailure> {
        guard let host = host ?? policy else {
            return .failure(policyLoadFailure ?? PolicyFailure(code: "policy-error", message: "no policy is loaded"))
        }
        let context = ContextBuilder.context(for: self, hook: hook, cycle: cycle, types: host.userdataTypes)
        if traceInputs {
            var inputs = ContextBuilder.json(.table(context.table))
            if case .object(var pairs) = inputs {
                pairs.append(("state", StateStore.json(state)))
                if !extra.isEmpty { pairs.append(("arguments", .array(extra.map { ContextBuilder.json($0) }))) }
                inputs = .object(pairs)
            }
            lastHookInputs = inputs
        }
        defer { printed.append(contentsOf: host.takePrinted()) }
        do {
            let (results, newState) = try host.call(hook, encodedContext: context, state: state, extra: extra, clock: time)
            state = newState
            return .success(results)
        } catch {
            return .failure(error)
        }
    }

    /// Records a failed hook: the decision log, a `POLICY_FAILURE` signal for the next round.
    func recordFailure(_ failure: PolicyFailure, hook: String, at time: Timestamp, fallback: JSONValue) {
        policyFailures += 1
        logDecision(DecisionRecord(time: time, hook: hook, result: fallback, failure: failure,
                                        instructions: policy?.lastCallStatistics.instructions ?? 0))
        let signal = RaisedSignal(time: time, code: Self.policyFailure, severity: .alert,
                                  message: "\(hook) failed: \(failure)")
        signals.append(signal)
        runtimeSignals.append(signal)
    }

    // MARK: The daily cycle

    /// 13:00: lock both queues, ask the policy how much converts and at what rate, check it.
    func runLock(at time: Timestamp) {
        do {
            try unit.lock(queue: nil, at: time)
        } catch {
            // A failed lock leaves the generation ACTIVE; the cycle does not run.
            logDecision(DecisionRecord(time: time, hook: "lock", result: .object([("error", .string("\(error.code): \(error.message)"))]),
                                            failure: nil, instructions: 0))
            return
        }
        lockedAt = time
        let settleTime = time.startOfDay.adding(seconds: schedule.dailySchedule.settle.secondsIntoDay)
        pendingDecision = decide(at: time, settleTime: settleTime)
    }

    /// Asks the policy for a settle decision and validates it; a failure or a skip gives the safe fallback.
    func decide(at time: Timestamp, settleTime: Timestamp) -> SettleDecision {
        if flags.skipNextCycle {
            flags.skipNextCycle = false
            let decision = SettleDecision(subscribeCapacity: .zero, redeemCapacity: .zero, exchangeRate: nil,
                                          note: "skip_cycle: this cycle converts nothing")
            logDecision(DecisionRecord(time: time, hook: "settle", result: Self.json(decision), failure: nil, instructions: 0))
            return decision
        }
        let cycle = CycleInfo(lockTime: time, settleTime: settleTime, lastSettlement: lastSettlement?.time)
        switch callHook("settle", at: time, cycle: cycle) {
        case .failure(let failure):
            recordFailure(failure, hook: "settle", at: time, fallback: Self.json(.nothing))
            return .nothing
        case .success(let results):
            do {
                let decision = try DecisionValidator.settle(results, view: settleView(at: time, settleTime: settleTime))
                logDecision(DecisionRecord(time: time, hook: "settle", result: Self.json(decision), failure: nil,
                                                instructions: policy?.lastCallStatistics.instructions ?? 0))
                return decision
            } catch {
                recordFailure(error, hook: "settle", at: time, fallback: Self.json(.nothing))
                return .nothing
            }
        }
    }

    /// 16:00: the exchange rate updates, the queues settle, then unlock or finalize.
    func runSettle(at time: Timestamp) {
        guard let decision = pendingDecision else { return }
        pendingDecision = nil
        lockedAt = nil
        let before = onSettlement == nil ? nil : SettlementMoment(before: snapshot(), time: time)
        apply(decision, at: time)
        runSignals(at: time)
        if let before { onSettlement?(self, before) }
        // A deferred reload takes effect now, after the old policy's post-settlement calls.
        if let file = pendingReload {
            pendingReload = nil
            if let pending = pendingCandidate, pending.host.file == file {
                pendingCandidate = nil
                swap(to: pending.host, at: time, requestedAt: pending.requestedAt)
            } else {
                // Restored from a snapshot: the candidate is compiled again from its file.
                try? reload(file, pin: nil, at: time)
            }
        }
    }

    /// Applies a validated decision. If the Unit changed inside the window (an emergency rate
    /// limit cut, a freeze) so that the decision no longer fits, nothing converts.
    func apply(_ decision: SettleDecision, at time: Timestamp) {
        do {
            try settleUnit(decision, at: time)
        } catch {
            // The safe fallback: no conversion at the previous rate.
            logDecision(DecisionRecord(time: time, hook: "settle", result: .object([
                ("fallback", .string("settlement refused (\(error.code): \(error.message)); nothing converts")),
            ]), failure: nil, instructions: 0))
            try? settleUnit(.nothing, at: time)
        }
        lastSettlement = (time, unit.exchangeRate)
    }

    func settleUnit(_ decision: SettleDecision, at time: Timestamp) throws(HaloError) {
        // The rate applies first (the settlement converts at it). Settling is atomic in
        // HaloCore; if it is refused, the rate goes back, so the fallback really is "nothing
        // converts at the previous rate". (Working on a copy of the Unit instead would copy
        // its ledger on every settlement.)
        let previousRate = unit.exchangeRate
        if let rate = decision.exchangeRate, rate != previousRate { try unit.setExchangeRate(rate, at: time) }
        let subscribe = unit.subscribeQueue.status == .locked ? SettleOrder(capacity: decision.subscribeCapacity.units, minted: nil) : nil
        let redeem = unit.redeemQueue.status == .locked ? SettleOrder(capacity: decision.redeemCapacity.units, minted: nil) : nil
        guard subscribe != nil || redeem != nil else { return }
        do {
            _ = try unit.settle(subscribe: subscribe, redeem: redeem, at: time)
        } catch {
            if unit.exchangeRate != previousRate { try? unit.setExchangeRate(previousRate, at: time) }
            throw error
        }
    }

    /// `settle: {}` in a fixture: the policy decides now and the decision applies at once.
    func settleByPolicy(at time: Timestamp) throws(StepFailure) {
        guard unit.subscribeQueue.status == .locked || unit.redeemQueue.status == .locked else {
            throw StepFailure(code: "not-locked", message: "neither queue is locked; lock before settling")
        }
        let decision = decide(at: time, settleTime: time)
        apply(decision, at: time)
        runSignals(at: time)
    }

    /// `settle: {subscribe: {capacity, minted?}}`: forced numbers, no policy.
    func settleForced(subscribe: SettleOrderSpec?, redeem: SettleOrderSpec?, at time: Timestamp) throws(StepFailure) {
        try core { () throws(HaloError) in
            _ = try unit.settle(subscribe: subscribe.map { SettleOrder(capacity: $0.capacity.units, minted: $0.minted?.units) },
                                redeem: redeem.map { SettleOrder(capacity: $0.capacity.units, minted: $0.minted?.units) },
                                at: time)
        }
        pendingDecision = nil
        lastSettlement = (time, unit.exchangeRate)
        runSignals(at: time)
    }

    func settleView(at time: Timestamp, settleTime: Timestamp) -> SettleView {
        let perDay = artifact.param("max_rate_increase_per_day").flatMap { try? Rate(parsing: $0) } ?? (try! Rate(parsing: "0.001"))
        func current(_ key: String) -> UInt256? {
            guard let limit = unit.rateLimits.limit(key) else { return .zero }
            return limit.isUnlimited ? nil : limit.current(at: time)
        }
        return SettleView(now: time, settleTime: settleTime, subscribeStatus: unit.subscribeQueue.status,
                          subscribeTotal: Amount(units: unit.subscribeQueue.totalUnderlying, decimals: UInt8(artifact.decimals(of: artifact.underlying))),
                          redeemStatus: unit.redeemQueue.status,
                          redeemTotal: Amount(units: unit.redeemQueue.totalUnderlying, decimals: UInt8(artifact.decimals(of: artifact.share))),
                          currentRate: unit.exchangeRate, lastSettlement: lastSettlement?.time,
                          maxRateIncreasePerDay: perDay, depositCurrent: current("deposit"), withdrawCurrent: current("withdraw"),
                          relayerFrozen: unit.controller.isFrozen,
                          underlyingDecimals: artifact.decimals(of: artifact.underlying),
                          shareDecimals: artifact.decimals(of: artifact.share))
    }

    // MARK: Signals and responses

    /// After every report and cycle: `signals(ctx)`, then `respond(ctx, raised)` for what was raised.
    func runSignals(at time: Timestamp) {
        var raised: [RaisedSignal] = []
        if policy?.hooks.contains("signals") == true {
            switch callHook("signals", at: time) {
            case .failure(let failure):
                recordFailure(failure, hook: "signals", at: time, fallback: .array([]))
            case .success(let results):
                do {
                    raised = try DecisionValidator.signals(results, declared: artifact.signals, at: time)
                    logDecision(DecisionRecord(time: time, hook: "signals", result: .array(raised.map(Self.json)),
                                                    failure: nil, instructions: policy?.lastCallStatistics.instructions ?? 0))
                    signals.append(contentsOf: raised)
                } catch {
                    recordFailure(error, hook: "signals", at: time, fallback: .array([]))
                }
            }
        }
        let all = runtimeSignals + raised
        runtimeSignals = []
        guard !all.isEmpty, policy?.hooks.contains("respond") == true else { return }
        let list = LuaValue.table(LuaTable(array: all.map { ContextBuilder.signalValue($0) }, frozen: true))
        switch callHook("respond", at: time, extra: [list]) {
        case .failure(let failure):
            recordFailure(failure, hook: "respond", at: time, fallback: .array([]))
            runtimeSignals = []  // a failing respond does not feed itself
        case .success(let results):
            do {
                let proposed = try DecisionValidator.actions(results, hook: "respond",
                                                             underlyingDecimals: artifact.decimals(of: artifact.underlying))
                logDecision(DecisionRecord(time: time, hook: "respond", result: .array(proposed.map(Self.json)),
                                                failure: nil, instructions: policy?.lastCallStatistics.instructions ?? 0))
                for action in proposed { applyAction(action, at: time, inPlan: false) }
            } catch {
                recordFailure(error, hook: "respond", at: time, fallback: .array([]))
                runtimeSignals = []
            }
        }
    }
}

/// What `ctx.cycle` says during a settle hook.
struct CycleInfo {
    var lockTime: Timestamp
    var settleTime: Timestamp
    var lastSettlement: Timestamp?
}
