import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal
import HaloSentinel

/// The Sentinel's side of the HTTP server: attached to a ``SentinelService``, it runs on the
/// Sentinel's thread after each committed batch, copies the views the handlers serve into
/// ``ServerState``, feeds the metrics and hands the batch's decision lines to the stream.
///
/// Events applied and refused (by code) are counted from the journal records the batch
/// committed (read back through a reader connection), so the counts are what is durable.
public final class SentinelPublisher {
    let state: ServerState
    let metrics: HaloMetrics
    let reader: Journal?
    var lastSeq: Int64 = 0
    var pendingLines: [String] = []
    /// Per Unit: the signals raised at the latest time signals were raised, and that time.
    var activeSignals: [String: (time: String, signals: [JSONValue])] = [:]
    /// Per Unit and flag: the action line that last set or cleared it.
    var flagReasons: [String: [String: JSONValue]] = [:]
    /// Series points sampled after each event of the batch being committed.
    var samples: [String: [ServerState.SeriesPoint]] = [:]

    /// Opens a reader on the journal in `stateDirectory`; counts start after what is there now.
    public init(state: ServerState, metrics: HaloMetrics, stateDirectory: String) {
        self.state = state
        self.metrics = metrics
        reader = try? Journal(directory: URL(fileURLWithPath: stateDirectory), configuration: JournalConfiguration(role: .reader))
        lastSeq = (try? reader?.lastRecord?.seq) ?? 0
    }

    /// Wraps the service's decision callback and observer (which keep this publisher alive), then
    /// publishes the state once.
    public func attach(to service: SentinelService) {
        let print = service.onDecision
        service.onDecision = { line in
            print(line)
            self.decision(line)
        }
        service.observer.hookCalled = { [metrics] measure in
            metrics.hookCalled(unit: measure.unit, hook: measure.hook, seconds: measure.seconds,
                               instructions: measure.instructions, failed: measure.failed)
        }
        service.observer.eventApplied = { [unowned service] unit in
            guard let sentinel = service.sentinels[unit] else { return }
            self.samples[unit, default: []].append(Self.point(sentinel))
        }
        service.observer.committed = { [unowned service] seconds in
            self.metrics.committed(seconds: seconds)
            self.readJournalTail()
            self.publish(service)
        }
        metrics.createCounters(units: service.unitNames)
        state.updateReadiness { $0.journalOpen = true; $0.recovered = true }
        publish(service)
    }

    /// Folds one decision-log line into the views and metrics; it is streamed at publish time.
    func decision(_ line: JSONValue) {
        pendingLines.append(line.serialized())
        guard case .string(let type)? = line["type"], case .string(let unit)? = line["unit"] else { return }
        let time: String
        if case .string(let text)? = line["time"] { time = text } else { time = "" }
        switch type {
        case "signal":
            if case .string(let code)? = line["code"], case .string(let severity)? = line["severity"] {
                metrics.signalRaised(unit: unit, code: code, severity: severity)
            }
            var active = activeSignals[unit] ?? ("", [])
            if active.time != time { active = (time, []) }
            active.signals.append(.object([("time", line["time"] ?? .null), ("code", line["code"] ?? .null),
                                           ("severity", line["severity"] ?? .null), ("message", line["message"] ?? .null)]))
            activeSignals[unit] = active
        case "decision":
            // A new signals round that raised nothing clears the active set.
            if case .string("signals")? = line["hook"], let active = activeSignals[unit], active.time < time {
                activeSignals[unit] = (time, [])
            }
        case "action":
            guard case .string(let action)? = line["action"], case .bool(true)? = line["applied"] else { return }
            let flag: String? = switch action {
            case "halt_subscriptions", "resume_subscriptions": "subscriptions_halted"
            case "freeze": "relayer_frozen"
            case "skip_cycle": "skip_next_cycle"
            case "migrate": "migrating"
            default: nil
            }
            if let flag {
                flagReasons[unit, default: [:]][flag] = .object([("action", .string(action)), ("time", .string(time)),
                                                                 ("reason", line["reason"] ?? .null)])
            }
        case "reload":
            if case .bool(let accepted)? = line["accepted"] { metrics.reloaded(unit: unit, accepted: accepted) }
        default:
            break
        }
    }

    /// Counts what the journal holds past the last record seen.
    func readJournalTail() {
        guard let reader else { return }
        var cursor = reader.records(from: lastSeq + 1, pageSize: 1024)
        while let record = try? cursor.next() {
            lastSeq = record.seq
            switch record.kind {
            case .event:
                if let unit = record.unit { metrics.eventApplied(unit: unit) }
            case .rejected:
                var code = "invalid"
                if let payload = try? JSONParser.parse(record.payload), case .string(let text)? = payload["error"]?["code"] { code = text }
                metrics.eventRefused(code: code)
            default:
                continue
            }
        }
    }

    /// Copies every Unit's view into the state, sets the gauges and streams the pending lines.
    public func publish(_ service: SentinelService) {
        var views: [(String, JSONValue)] = []
        var points: [String: [ServerState.SeriesPoint]] = [:]
        defer { samples = [:] }
        var notLoaded: [String: String] = [:]
        for name in service.unitNames {
            guard let sentinel = service.sentinels[name] else { continue }
            if !sentinel.policyLoaded {
                notLoaded[name] = sentinel.policyLoadFailure.map { "\($0)" } ?? (service.started ? "no policy" : "not started")
                if !service.started { notLoaded[name] = nil }
            }
            views.append((name, view(of: sentinel, service: service)))
            if service.started { points[name, default: samples[name] ?? []].append(Self.point(sentinel)) }
        }
        let halo = JSONValue.object([
            ("name", .string(service.halo.name)), ("revision", .int(Int64(service.halo.revision))),
            ("time", service.started ? .string(service.now.iso8601) : .null), ("units", .array(service.unitNames.map { .string($0) })),
            ("events_applied", .int(Int64(service.eventsApplied))), ("events_refused", .int(Int64(service.eventsRejected))),
            ("events_already_journaled", .int(Int64(service.eventsSkipped))), ("journal_seq", .int(lastSeq)),
        ])
        state.updateReadiness { $0.policiesNotLoaded = notLoaded }
        metrics.gauge("halo_ready", [], state.readiness.reason == nil ? 1 : 0, help: "1 when /readyz answers 200.")
        state.publish(halo: halo, units: views, points: points)
        let lines = pendingLines
        pendingLines = []
        state.broadcast(lines)
    }

    /// A Unit's chart point now.
    static func point(_ sentinel: UnitSentinel) -> ServerState.SeriesPoint {
        let unit = sentinel.unit
        let underlying = UInt8(sentinel.artifact.decimals(of: sentinel.artifact.underlying))
        let share = UInt8(sentinel.artifact.decimals(of: sentinel.artifact.share))
        return ServerState.SeriesPoint(
            time: sentinel.now.seconds, exchangeRate: unit.exchangeRate.description,
            subscribeBacklog: Amount(units: unit.subscribeQueue.totalUnderlying, decimals: underlying).description,
            redeemBacklog: Amount(units: unit.redeemQueue.totalShares, decimals: share).description)
    }

    /// `halo state --json`'s shape for one Unit, plus what an operator needs beside it.
    func view(of sentinel: UnitSentinel, service: SentinelService) -> JSONValue {
        let name = sentinel.artifact.name
        guard case .object(var pairs) = sentinel.snapshot() else { return .null }
        let underlying = UInt8(sentinel.artifact.decimals(of: sentinel.artifact.underlying))
        let now = sentinel.now
        // Rate-limit headroom: what can still be used now (the limit's current amount) against its max.
        var headroom: [(String, JSONValue)] = []
        for key in sentinel.unit.rateLimits.keys {
            guard let limit = sentinel.unit.rateLimits.limit(key) else { continue }
            if limit.isUnlimited {
                headroom.append((key, .object([("unlimited", .bool(true))])))
                continue
            }
            let current = limit.current(at: now)
            let used = (try? limit.maxAmount.subtracting(current)) ?? .zero
            // Utilisation in basis points, exact integer arithmetic (rounded toward zero).
            let bps = limit.maxAmount.isZero ? 10_000 : ((try? UInt256.mulDiv(used, UInt256(UInt64(10_000)), limit.maxAmount)).map { Int64($0.description) ?? 0 } ?? 0)
            headroom.append((key, .object([
                ("current", .string(Amount(units: current, decimals: underlying).description)),
                ("max", .string(Amount(units: limit.maxAmount, decimals: underlying).description)),
                ("headroom", .string(Amount(units: current, decimals: underlying).description)),
                ("utilisation_bps", .int(bps)),
            ])))
            metrics.gauge("halo_rate_limit_current", [("unit", name), ("key", key)], Double(Amount(units: current, decimals: underlying).description) ?? 0,
                          help: "Rate limit amount available now, in the underlying asset.")
            metrics.gauge("halo_rate_limit_max", [("unit", name), ("key", key)], Double(Amount(units: limit.maxAmount, decimals: underlying).description) ?? 0,
                          help: "Rate limit maximum, in the underlying asset.")
        }
        if service.started {
            metrics.gauge("halo_exchange_rate", [("unit", name)], Double(sentinel.unit.exchangeRate.description) ?? 0,
                          help: "The Unit's exchange rate (underlying per share).")
            let share = UInt8(sentinel.artifact.decimals(of: sentinel.artifact.share))
            metrics.gauge("halo_queue_backlog", [("unit", name), ("queue", "subscribe")],
                          Double(Amount(units: sentinel.unit.subscribeQueue.totalUnderlying, decimals: underlying).description) ?? 0,
                          help: "Queue backlog: subscribe in the underlying asset, redeem in shares.")
            metrics.gauge("halo_queue_backlog", [("unit", name), ("queue", "redeem")],
                          Double(Amount(units: sentinel.unit.redeemQueue.totalShares, decimals: share).description) ?? 0,
                          help: "Queue backlog: subscribe in the underlying asset, redeem in shares.")
        }
        var report: JSONValue = .null
        if let last = sentinel.lastReport {
            let age = max(0, service.now.seconds - last.time.seconds)
            report = .object([("time", .string(last.time.iso8601)), ("age_seconds", .int(age)),
                              ("fields", .object(last.fields.map { ($0.name, JSONValue.string($0.value)) }))])
            metrics.gauge("halo_last_report_age_seconds", [("unit", name)], Double(age),
                          help: "Seconds since the Unit's last manager report, on the Sentinel's clock.")
        }
        var flags: [(String, JSONValue)] = []
        if case .object(let flagPairs)? = pairs.first(where: { $0.0 == "flags" })?.1 {
            for (flag, value) in flagPairs {
                let set = value == .bool(true)
                flags.append((flag, .object([("set", value), ("reason", set ? (flagReasons[name]?[flag] ?? .null) : .null)])))
            }
        }
        let identity = sentinel.policyIdentity
        pairs.append(("unit", .string(name)))
        pairs.append(("rate_limit_headroom", .object(headroom)))
        pairs.append(("last_report", report))
        pairs.append(("active_signals", .array(activeSignals[name]?.signals ?? [])))
        pairs.append(("flag_reasons", .object(flags)))
        pairs.append(("policy", .object([
            ("file", .string(identity.file)), ("sha256", identity.sha256.map { .string($0) } ?? .null),
            ("loaded", .bool(sentinel.policyLoaded)),
            ("error", sentinel.policyLoadFailure.map { .string("\($0)") } ?? .null),
            ("artifact", .string(sentinel.artifact.path)), ("revision", .int(Int64(service.halo.revision))),
        ])))
        return .object(pairs)
    }
}
