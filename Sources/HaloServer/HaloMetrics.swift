import Foundation
import Prometheus

/// The Sentinel's Prometheus metrics (text format at `GET /metrics`).
///
/// Counters count since the process started (recovery is not counted again). Gauges that
/// carry an amount (queue totals, rate limits) are a display conversion of the exact decimal
/// to a float: Prometheus stores float64; the exact figures are in `/v1/units`.
/// The list, with units, is in docs/operating.md.
public final class HaloMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()

    /// Hook latency buckets, seconds: a policy has a 250 ms wall budget by default.
    static let latencyBuckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]
    /// Instruction buckets: the default budget is 10 million.
    static let instructionBuckets: [Double] = [1_000, 10_000, 100_000, 1_000_000, 10_000_000]
    /// Journal commit buckets, seconds (a synchronous=full commit is an fsync).
    static let commitBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    /// Creates the metrics, with the series that exist from the start at zero.
    public init() {
        _ = registry.makeValueHistogram(name: "halo_journal_commit_seconds", labels: [], buckets: Self.commitBuckets,
                                        help: "Wall time of one journal commit (one batch of events), seconds.")
        _ = registry.makeGauge(name: "halo_ready", labels: [], help: "1 when /readyz answers 200.")
    }

    /// An event was applied to `unit`.
    public func eventApplied(unit: String) {
        registry.makeCounter(name: "halo_events_applied_total", labels: [("unit", unit)],
                             help: "Events applied since the process started.").increment()
    }

    /// An event was refused with `code`.
    public func eventRefused(code: String) {
        registry.makeCounter(name: "halo_events_refused_total", labels: [("code", code)],
                             help: "Events refused since the process started, by error code.").increment()
    }

    /// A live hook call.
    public func hookCalled(unit: String, hook: String, seconds: Double, instructions: Int, failed: Bool) {
        let labels = [("unit", unit), ("hook", hook)]
        registry.makeCounter(name: "halo_hook_calls_total", labels: labels, help: "Live policy hook calls.").increment()
        let failures = registry.makeCounter(name: "halo_hook_failures_total", labels: labels,
                                            help: "Policy hook calls that failed (error, budget, timeout).")
        if failed { failures.increment() }
        registry.makeValueHistogram(name: "halo_hook_duration_seconds", labels: labels, buckets: Self.latencyBuckets,
                                    help: "Wall time of one policy hook call, seconds.").record(seconds)
        registry.makeValueHistogram(name: "halo_hook_instructions", labels: labels, buckets: Self.instructionBuckets,
                                    help: "Lua instructions one policy hook call used.").record(Double(instructions))
    }

    /// A journal commit took `seconds`.
    public func committed(seconds: Double) {
        registry.makeValueHistogram(name: "halo_journal_commit_seconds", labels: [], buckets: Self.commitBuckets,
                                    help: "Wall time of one journal commit (one batch of events), seconds.").record(seconds)
    }

    /// A signal was raised.
    public func signalRaised(unit: String, code: String, severity: String) {
        registry.makeCounter(name: "halo_signals_total", labels: [("unit", unit), ("code", code), ("severity", severity)],
                             help: "Signals raised, by Unit, code and severity.").increment()
    }

    /// A policy reload was attempted.
    public func reloaded(unit: String, accepted: Bool) {
        registry.makeCounter(name: "halo_policy_reloads_total", labels: [("unit", unit), ("outcome", accepted ? "accepted" : "refused")],
                             help: "Policy reload attempts, by outcome.").increment()
    }

    /// Sets a gauge.
    public func gauge(_ name: String, _ labels: [(String, String)], _ value: Double, help: String) {
        registry.makeGauge(name: name, labels: labels, help: help).set(value)
    }

    /// The text format.
    public func render() -> String { registry.emitToString() }
}
