import HaloArtifacts
import HaloCore
import HaloSentinel
import LuaSandbox

/// Primes (allocation policies) and Halos (Unit Sentinels) on one daily clock.
///
/// Each day, in this order (UTC): scheduled events at 00:00; the managers' reports one hour
/// before allocation (09:00 for the standard 13:00 lock); one hour before the earliest lock
/// (12:00) every Prime claims what its positions have earned, every Prime's `allocate` decides
/// on that same state, and the orders are checked and applied Prime by Prime in scenario
/// order; then every Unit's own cycle (lock, the Unit policy's settle, 16:00 settlement,
/// signals and responses) by its real ``UnitSentinel``. The pieces that touch one Unit or one
/// Prime alone (a Unit's morning, its claims, its cycle; a Prime's `allocate`, its end-of-day
/// view) run side by side on the machine's cores (``ParallelMap``); what they share is applied
/// afterwards in scenario order. Same scenario, same result: nothing here reads a clock or
/// iterates an unordered collection where order matters, whatever the number of cores.
///
/// ```swift
/// let simulation = try Simulation(scenario: try Scenario.load(path: "examples/primes/launch-sorl.yaml"), stdlib: "stdlib")
/// simulation.run()
/// print(simulation.launches.first?.day1 as Any)
/// ```
public final class Simulation {
    /// The scenario.
    public let scenario: Scenario
    /// Days to run.
    public let days: Int
    /// Every day so far.
    public private(set) var record: [SimulationDay] = []
    /// Every `POLICY_FAILURE` of a Prime: day, Prime, failure.
    public private(set) var policyFailures: [(day: Int, prime: String, failure: PolicyFailure)] = []

    /// Ledger entries each Unit keeps in memory. None: the simulation reports balances, not
    /// entries, and nothing it runs is audited, so each Unit's book builds no entries and hashes
    /// nothing (``Ledger/retainedEntries``); every posting is checked as in a live Sentinel.
    static let retainedLedgerEntries = 0

    /// Threads a day's independent pieces run on (``ParallelMap``); the result is the same
    /// for any number.
    public let workers: Int

    let units: [SimulatedUnit]
    let unitIndex: [String: Int]
    let primes: [PrimeRuntime]
    let eventsByDay: [Int: [ScenarioEvent]]
    let reportOffset: Int64
    let allocateOffset: Int64

    /// Sets every Unit up with its Sentinel and policy and every Prime with its policy.
    /// `onboardingTests` overrides the scenario's `onboarding_tests` (run each Unit's fixtures
    /// as part of its checklist). Throws `artifact-invalid` or the policy's load error.
    /// `workers`: threads for a day's independent pieces (default: the machine's cores, at most 8).
    public init(scenario: Scenario, stdlib: String?, days: Int? = nil, onboardingTests: Bool? = nil,
                workers: Int? = nil) throws(SimulationError) {
        self.scenario = scenario
        self.workers = max(1, workers ?? ParallelMap.workers)
        let dayCount = days ?? scenario.days
        self.days = dayCount
        let runTests = onboardingTests ?? scenario.onboardingTests
        let earliestLock = scenario.halos.map { Int64($0.settlement.lock.hour * 3600 + $0.settlement.lock.minute * 60) }.min() ?? 46_800
        allocateOffset = max(earliestLock - 3600, 0)
        reportOffset = max(allocateOffset - 3 * 3600, 0)

        var units: [SimulatedUnit] = []
        var index: [String: Int] = [:]
        for halo in scenario.halos {
            for artifact in halo.units {
                let manager = scenario.managers.first { $0.unit == artifact.name }
                let navs = manager.map { $0.nav.values(days: dayCount) } ?? []
                let sentinel: UnitSentinel
                do {
                    sentinel = try UnitSentinel(artifact: artifact, schedule: halo.settlement, start: scenario.start, stdlib: stdlib,
                                                migrationProcedure: halo.procedures["migration"],
                                                exchangeRate: navs.first.map { Rate(wad: $0.units) })
                } catch {
                    throw SimulationError(code: error.code, message: "\(artifact.path): \(error.message)")
                }
                let checklist = OnboardingCheck.check(artifact, templates: halo.templates, runTests: runTests, stdlib: stdlib)
                sentinel.retainLedgerEntries(Self.retainedLedgerEntries)
                let unit = SimulatedUnit(halo: halo, artifact: artifact, sentinel: sentinel, checklist: checklist)
                unit.manager = manager
                unit.navs = navs
                unit.capacities = manager?.capacity.map { $0.values(days: dayCount) }
                unit.liquidities = manager?.liquidity.map { $0.values(days: dayCount) }
                unit.rateHistory = [sentinel.unit.exchangeRate]
                index[artifact.name] = units.count
                units.append(unit)
            }
        }
        var eventsByDay: [Int: [ScenarioEvent]] = [:]
        for event in scenario.events {
            eventsByDay[event.day, default: []].append(event)
            if case .onboard(let unit) = event.kind, let position = index[unit] { units[position].launchDay = event.day }
        }
        var primes: [PrimeRuntime] = []
        for artifact in scenario.primes {
            let prime = try PrimeRuntime(artifact: artifact, stdlib: stdlib)
            for limit in artifact.unitLimits {
                prime.setLimit(unit: limit.unit, maxAmount: limit.maxAmount.units, slope: limit.slope.units, at: scenario.start)
            }
            primes.append(prime)
        }
        // Units onboarded before the scenario: open every Prime's PAU into them at the start.
        for unit in units where unit.launchDay == nil && unit.checklistPassed {
            unit.onboarded = true
            for prime in primes { prime.open(unit: unit.name, at: scenario.start) }
        }
        self.units = units
        self.unitIndex = index
        self.primes = primes
        self.eventsByDay = eventsByDay
    }

    /// True when every day has run.
    public var finished: Bool { record.count >= days }

    /// Runs the remaining days; `progress(day, days)` after each.
    public func run(progress: ((Int, Int) -> Void)? = nil) {
        while !finished {
            step()
            progress?(record.count, days)
        }
    }

    /// Runs one day.
    public func step() {
        let dayNumber = record.count + 1
        let dayStart = scenario.start.adding(seconds: Int64(dayNumber - 1) * Timestamp.secondsPerDay)
        var day = SimulationDay(day: dayNumber, date: dayStart)

        for event in eventsByDay[dayNumber] ?? [] { apply(event, at: dayStart, into: &day) }

        // Each Unit's morning on its own (its report, its signals, its clock to the allocation
        // hour) and what every Prime's ctx shows of it, the Units side by side; the refusals
        // are recorded in Unit order.
        let reportTime = dayStart.adding(seconds: reportOffset)
        let allocateTime = dayStart.adding(seconds: allocateOffset)
        // Every Prime's sandbox registers the same userdata types: one base serves them all.
        let types = primes.first?.policy.userdataTypes
        let mornings = ParallelMap.map(units.count, workers: workers) { index -> (refusal: String?, base: LuaTableFragment?) in
            let unit = units[index]
            var refusal: String?
            if let fields = unit.report(day: dayNumber) {
                do { try unit.sentinel.perform(.report(fields), at: reportTime) }
                catch { refusal = "\(unit.name): the manager's report was refused (\(error))" }
            }
            unit.sentinel.advance(to: allocateTime)
            return (refusal, types.map { PrimeContextBuilder.universeBase(unit, types: $0) })
        }
        day.events += mornings.compactMap(\.refusal)
        let base = mornings.compactMap(\.base)
        var queued: [String: UInt256] = [:]
        var refused: [String: [String: Int]] = [:]
        // Claims first, each Unit's in Prime order (a Unit's claims touch only that Unit; the
        // sweeps into each Prime's USDS follow in Prime order); then every Prime's policy
        // proposes, side by side (each reads the Units and changes only its own Lua state);
        // then the orders are checked and applied in Prime order, which is where
        // one Prime's order can change what the next one gets.
        let balances = ParallelMap.map(units.count, workers: workers) { index in
            primes.map { claim(for: $0, from: units[index], at: allocateTime) }
        }
        for (primeIndex, prime) in primes.enumerated() {
            for (unitIndex, unit) in units.enumerated() { sweep(balances[unitIndex][primeIndex], of: prime, in: unit) }
        }
        let proposals = propose(day: dayNumber, base: base, at: allocateTime)
        for (index, prime) in primes.enumerated() {
            var primeDay = apply(proposals[index], prime: prime, day: dayNumber, at: allocateTime)
            for outcome in primeDay.orders {
                guard case .subscribe(let unit, let amount) = outcome.order else { continue }
                var entry = primeDay.units[unit] ?? PrimeUnitDay()
                if let code = outcome.code {
                    refused[unit, default: [:]][code, default: 0] += 1
                    entry.refused[code, default: 0] += 1
                } else {
                    queued[unit] = OrderValidator.sum(queued[unit] ?? .zero, amount.units)
                    entry.queued = OrderValidator.sum(entry.queued, amount.units)
                }
                primeDay.units[unit] = entry
            }
            for outcome in primeDay.orders where outcome.order.kind != "subscribe" {
                var entry = primeDay.units[outcome.order.unit] ?? PrimeUnitDay()
                if let code = outcome.code { entry.refused[code, default: 0] += 1 }
                else if case .redeem(_, let shares) = outcome.order { entry.redeemRequested = OrderValidator.sum(entry.redeemRequested, shares.units) }
                if unitIndex[outcome.order.unit] != nil { primeDay.units[outcome.order.unit] = entry }
            }
            day.primes[prime.name] = primeDay
        }

        // What each Prime has waiting before the lock: today's settlement converts part of it.
        let pendingBefore = primes.map { prime in units.map { $0.sentinel.unit.subscribeQueue.underlying(of: prime.name) } }

        // Every Unit's own cycle (lock, settle, settlement, signals), side by side.
        let end = dayStart.adding(seconds: Timestamp.secondsPerDay - 1)
        _ = ParallelMap.map(units.count, workers: workers) { units[$0].sentinel.advance(to: end) }

        for unit in units {
            let core = unit.sentinel.unit
            var entry = UnitDay()
            entry.queued = queued[unit.name] ?? .zero
            entry.refused = refused[unit.name] ?? [:]
            entry.converted = (try? core.subscribeQueue.underlyingConverted.subtracting(unit.lastConverted)) ?? .zero
            entry.redeemed = (try? core.redeemQueue.rewardMinted.subtracting(unit.lastRedeemMinted)) ?? .zero
            unit.lastConverted = core.subscribeQueue.underlyingConverted
            unit.lastRedeemMinted = core.redeemQueue.rewardMinted
            for prime in primes {
                if let limit = prime.limits.limit(unit.name) { entry.headroom = OrderValidator.sum(entry.headroom, limit.current(at: end)) }
            }
            if let deposit = core.rateLimits.limit(HaloUnit.depositKey), !deposit.isUnlimited { entry.depositHeadroom = deposit.current(at: end) }
            entry.backlog = core.subscribeQueue.totalUnderlying
            entry.redeemBacklog = core.redeemQueue.totalUnderlying
            entry.exchangeRate = core.exchangeRate
            entry.onboarded = unit.onboarded
            entry.signals = unit.sentinel.signals.map(\.code)
            unit.sentinel.clearLogs()
            unit.rateHistory.append(core.exchangeRate)
            if unit.rateHistory.count > 31 { unit.rateHistory.removeFirst(unit.rateHistory.count - 31) }
            day.units[unit.name] = entry
        }

        // Each Prime's end of day on its own: its view, and its record completed from it (only
        // that Prime's own things are read or written); stored in Prime order.
        let dayPrimes = day.primes
        let closing = ParallelMap.map(primes.count, workers: workers) { primeIndex -> PrimeDay in
            let prime = primes[primeIndex]
            let (view, positions) = prime.view(units: units, at: end, keepingPositions: true)
            var primeDay = dayPrimes[prime.name] ?? PrimeDay()
            primeDay.usds = view.usds
            primeDay.encumbrance = view.encumbrance
            primeDay.encumbranceLimit = view.encumbranceLimit
            primeDay.portfolio = view.portfolio
            primeDay.exposure = view.exposure
            primeDay.classExposure = view.classExposure
            for (unitIndex, unit) in units.enumerated() {
                var entry = primeDay.units[unit.name] ?? PrimeUnitDay()
                let position = positions[unitIndex]
                let before = pendingBefore[primeIndex][unitIndex]
                if before > position.pending { entry.converted = (try? before.subtracting(position.pending)) ?? .zero }
                entry.shares = position.shares
                entry.value = position.value
                entry.pending = position.pending
                entry.headroom = prime.limits.limit(unit.name)?.current(at: end)
                if !entry.isEmpty { primeDay.units[unit.name] = entry }
            }
            return primeDay
        }
        for (primeIndex, prime) in primes.enumerated() { day.primes[prime.name] = closing[primeIndex] }
        record.append(day)
    }

    func apply(_ event: ScenarioEvent, at time: Timestamp, into day: inout SimulationDay) {
        switch event.kind {
        case .onboard(let name):
            guard let unit = unitIndex[name].map({ units[$0] }) else { return }
            guard unit.checklistPassed else {
                day.events.append("\(name) does not onboard: its checklist fails (\(unit.checklistProblems))")
                return
            }
            unit.onboarded = true
            for prime in primes { prime.open(unit: name, at: time) }
            day.events.append("\(name) onboarded: every Prime may allocate to it")
        case .managerSilent(let name):
            unitIndex[name].map { units[$0].silent = true }
            day.events.append("\(name)'s manager goes silent")
        case .managerResumes(let name):
            unitIndex[name].map { units[$0].silent = false }
            day.events.append("\(name)'s manager reports again")
        case .setRateLimit(let primeName, let unit, let maxAmount, let slope):
            guard let prime = primes.first(where: { $0.name == primeName }) else { return }
            prime.setLimit(unit: unit, maxAmount: maxAmount.units, slope: slope.units, at: time)
            day.events.append("governance sets \(primeName)'s limit into \(unit): max \(maxAmount), slope \(slope)/s (starts full)")
        }
    }

    /// What one Prime's policy proposed on one day: the orders (or the failure), and the view
    /// of its positions the call was made on.
    struct Proposal {
        var view: PrimeView
        var outcome: Result<[PrimeOrder], PolicyFailure>
    }

    /// Every Prime's `allocate`, side by side (``ParallelMap``): each call reads the Units (which
    /// nothing changes meanwhile) and changes only its own Prime's Lua state and `state`.
    /// Results are in Prime order whatever order the calls ran in.
    func propose(day: Int, base: [LuaTableFragment], at time: Timestamp) -> [Proposal] {
        ParallelMap.map(primes.count, workers: workers) { propose(primes[$0], day: day, base: base, at: time) }
    }

    /// One Prime's call: its view, its ctx, `allocate`, and the orders read from the results.
    /// A failed call changes nothing (its `state` is kept).
    func propose(_ prime: PrimeRuntime, day: Int, base: [LuaTableFragment], at time: Timestamp) -> Proposal {
        let (view, positions) = prime.view(units: units, at: time, keepingPositions: true)
        let types = prime.policy.userdataTypes
        let sameTypes = base.first.map { $0.types == types } ?? false
        let context = PrimeContextBuilder.context(prime: prime, view: view, positions: positions, units: units,
                                                  base: sameTypes ? base : units.map { PrimeContextBuilder.universeBase($0, types: types) },
                                                  day: day, at: time, types: types)
        defer { _ = prime.policy.takePrinted() }
        do {
            let (results, state) = try prime.policy.call("allocate", encodedContext: context, state: prime.state, clock: time)
            let orders = try OrderValidator.orders(results) { name in self.unitIndex[name].map { self.units[$0].shareDecimals } }
            prime.state = state
            return Proposal(view: view, outcome: .success(orders))
        } catch {
            return Proposal(view: view, outcome: .failure(error))
        }
    }

    /// One Prime's round after its call: check every order in ``OrderValidator`` and apply the
    /// ones that pass, in order. A failed call changes nothing and is recorded.
    func apply(_ proposal: Proposal, prime: PrimeRuntime, day: Int, at time: Timestamp) -> PrimeDay {
        var result = PrimeDay()
        var view = proposal.view
        result.allowance = view.headroom
        let orders: [PrimeOrder]
        switch proposal.outcome {
        case .failure(let error):
            policyFailures.append((day, prime.name, error))
            result.policyFailure = error.description
            return result
        case .success(let proposed):
            orders = proposed
        }
        for order in orders {
            let unit = unitIndex[order.unit].map { units[$0] }
            let unitView = unit.map {
                UnitView(assetClass: $0.assetClass, crr: $0.crr, onboarded: $0.onboarded,
                         subscriptionsHalted: $0.sentinel.unit.subscriptionsHalted, shareDecimals: $0.shareDecimals)
            }
            if let refusal = OrderValidator.check(order, prime: &view, unit: unitView, constraints: prime.artifact.constraints) {
                result.orders.append(OrderOutcome(order: order, code: refusal.code, reason: refusal.reason))
                continue
            }
            let outcome = execute(order, prime: prime, unit: unit!, at: time)
            result.orders.append(outcome)
            switch (outcome.applied, order) {
            case (true, .subscribe):
                break
            case (true, .configure(let name, _, _)):
                view.headroom[name] = prime.limits.limit(name)?.current(at: time)
            default:
                // The projection no longer matches what happened: start again from the real state.
                view = prime.view(units: units, at: time)
            }
        }
        return result
    }

    /// Claims the Prime's converted shares and redemption proceeds, and moves USDS that landed
    /// in the Unit's ledger back to its liquid balance.
    func collect(_ prime: PrimeRuntime, from unit: SimulatedUnit, at time: Timestamp) {
        sweep(claim(for: prime, from: unit, at: time), of: prime, in: unit)
    }

    /// Claims the Prime's converted shares and redemption proceeds in the Unit, and returns the
    /// Prime's USDS balance in the Unit's ledger. Touches only the Unit: one Unit's claims can
    /// run beside another's.
    func claim(for prime: PrimeRuntime, from unit: SimulatedUnit, at time: Timestamp) -> UInt256 {
        // No copy of the Unit is held across a claim: the claim would then copy its storage.
        if !unit.sentinel.unit.subscribeQueue.pendingReward(account: prime.name).isZero {
            try? unit.sentinel.perform(.claim(account: prime.name, queue: .subscribe), at: time)
        }
        if !unit.sentinel.unit.redeemQueue.pendingReward(account: prime.name).isZero {
            try? unit.sentinel.perform(.claim(account: prime.name, queue: .redeem), at: time)
        }
        return unit.sentinel.unit.ledger.balance(of: prime.name, asset: unit.artifact.underlying)
    }

    /// Moves what the Prime's USDS `balance` in the Unit's ledger gained since the last sweep
    /// to its liquid balance.
    func sweep(_ balance: UInt256, of prime: PrimeRuntime, in unit: SimulatedUnit) {
        let swept = prime.swept[unit.name] ?? .zero
        if balance > swept {
            prime.usds = OrderValidator.sum(prime.usds, (try? balance.subtracting(swept)) ?? .zero)
            prime.swept[unit.name] = balance
        }
    }

    /// Applies a checked order through the Unit's Sentinel and the Prime's PAU.
    func execute(_ order: PrimeOrder, prime: PrimeRuntime, unit: SimulatedUnit, at time: Timestamp) -> OrderOutcome {
        let sentinel = unit.sentinel
        do throws(StepFailure) {
            switch order {
            case .subscribe(let name, let amount):
                do { _ = try prime.limits.consume(key: name, amount: amount.units, at: time) }
                catch { throw StepFailure(code: error.code, message: error.message) }
                try sentinel.perform(.fund(account: prime.name, asset: unit.artifact.underlying, amount: amount), at: time)
                do {
                    try sentinel.perform(.subscribe(account: prime.name, amount: amount), at: time)
                } catch {
                    // The funded USDS stays in the Unit's ledger as the Prime's: count it as swept.
                    prime.swept[name] = OrderValidator.sum(prime.swept[name] ?? .zero, amount.units)
                    _ = try? prime.limits.replenish(key: name, amount: amount.units, at: time)
                    throw error
                }
                prime.usds = (try? prime.usds.subtracting(amount.units)) ?? .zero
                return OrderOutcome(applied: order)
            case .redeem(_, let shares):
                try sentinel.perform(.redeem(account: prime.name, amount: shares), at: time)
                return OrderOutcome(applied: order)
            case .exit(let name):
                let pending = sentinel.unit.subscribeQueue.underlying(of: prime.name)
                try sentinel.perform(.exit(account: prime.name, queue: .subscribe), at: time)
                _ = try? prime.limits.replenish(key: name, amount: pending, at: time)
                collect(prime, from: unit, at: time)
                return OrderOutcome(order: order, code: nil, reason: "left the subscribe queue with \(Amount(units: pending)) USDS")
            case .configure(let name, let maxAmount, let slope):
                let perSecond = slope?.units ?? ((try? maxAmount.units.dividedBy(UInt256(86_400))) ?? .zero)
                do {
                    try prime.configurator.setRateLimit(key: name, maxAmount: maxAmount.units, slope: perSecond, at: time,
                                                        limits: &prime.limits)
                } catch {
                    throw StepFailure(code: error.code, message: error.message)
                }
                return OrderOutcome(applied: order)
            }
        } catch {
            return OrderOutcome(order: order, code: error.code, reason: error.message)
        }
    }

    /// Day 1/7/30 converted inflow into each Unit onboarded during the scenario.
    public var launches: [LaunchSummary] {
        units.compactMap { unit -> LaunchSummary? in
            guard let launch = unit.launchDay, unit.checklistPassed, launch <= record.count else { return nil }
            var cumulative: [UInt256] = []
            var total = UInt256.zero
            for day in record[(launch - 1)...] {
                total = OrderValidator.sum(total, day.units[unit.name]?.converted ?? .zero)
                cumulative.append(total)
            }
            func at(_ n: Int) -> UInt256? { n <= cumulative.count ? cumulative[n - 1] : nil }
            return LaunchSummary(unit: unit.name, onboardedDay: launch, queuedDay1: record[launch - 1].units[unit.name]?.queued ?? .zero,
                                 day1: at(1), day7: at(7), day30: at(30), total: total)
        }
    }

    /// The Units in order: name, Halo, class, CRR, onboarded from day (nil: never), checklist problems.
    public var unitSummaries: [(unit: String, halo: String, assetClass: String, crr: Rate, onboardedDay: Int?, problems: String)] {
        units.map { unit in
            let day: Int? = unit.checklistPassed ? (unit.launchDay ?? 1) : nil
            return (unit.name, unit.halo, unit.assetClass, unit.crr, day, unit.checklistProblems)
        }
    }

    /// The Primes in order.
    public var primeNames: [String] { primes.map(\.name) }
}
