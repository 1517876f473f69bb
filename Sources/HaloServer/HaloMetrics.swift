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

    /// A metric's full name (already with its unit suffix, as the docs list it) and help text.
    static func descriptor(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// Creates the metrics, with the series that exist from the start at zero.
    public init() {
        _ = registry.makeValueHistogram(descriptor: Self.descriptor("halo_journal_commit_seconds", help: "Wall time of one journal commit (one batch of events), seconds."), labels: [], buckets: Self.commitBuckets)
        _ = registry.makeGauge(descriptor: Self.descriptor("halo_ready", help: "1 when /readyz answers 200."), labels: [])
    }

    /// Hooks the Sentinel calls (a policy that does not define one keeps its counters at zero).
    static let hooks = ["settle", "signals", "respond", "migrate"]
    /// The signal the runtime itself raises for a failed hook, with its fixed severity.
    static let policyFailureSignal = (code: "POLICY_FAILURE", severity: "alert")

    /// Creates at zero, for every Unit, the counter series whose labels are known in advance, so
    /// that `increase()`/`rate()` see their first event: events applied; hook calls and failures
    /// for every hook; reloads `accepted` and `refused`; `POLICY_FAILURE` signals. Series whose
    /// labels are only known when they happen (refused events by error code, the policy's own
    /// signals by code and severity, the histograms) appear at their first observation.
    public func createCounters(units: [String]) {
        for unit in units {
            _ = registry.makeCounter(descriptor: Self.eventsApplied, labels: [("unit", unit)])
            for hook in Self.hooks {
                _ = registry.makeCounter(descriptor: Self.hookCalls, labels: [("unit", unit), ("hook", hook)])
                _ = registry.makeCounter(descriptor: Self.hookFailures, labels: [("unit", unit), ("hook", hook)])
            }
            for outcome in ["accepted", "refused"] {
                _ = registry.makeCounter(descriptor: Self.policyReloads, labels: [("unit", unit), ("outcome", outcome)])
            }
            _ = registry.makeCounter(descriptor: Self.signals, labels: [("unit", unit), ("code", Self.policyFailureSignal.code),
                                                                         ("severity", Self.policyFailureSignal.severity)])
        }
    }

    static var eventsApplied: MetricNameDescriptor { descriptor("halo_events_applied_total", help: "Events applied since the process started.") }
    static var hookCalls: MetricNameDescriptor { descriptor("halo_hook_calls_total", help: "Live policy hook calls.") }
    static var hookFailures: MetricNameDescriptor { descriptor("halo_hook_failures_total", help: "Policy hook calls that failed (error, budget, timeout).") }
    static var policyReloads: MetricNameDescriptor { descriptor("halo_policy_reloads_total", help: "Policy reload attempts, by outcome.") }
    static var signals: MetricNameDescriptor { descriptor("halo_signals_total", help: "Signals raised, by Unit, code and severity.") }

    /// An event was applied to `unit`.
    public func eventApplied(unit: String) {
        registry.makeCounter(descriptor: Self.eventsApplied, labels: [("unit", unit)]).increment()
    }

    /// An event was refused with `code`.
    public func eventRefused(code: String) {
        registry.makeCounter(descriptor: Self.descriptor("halo_events_refused_total", help: "Events refused since the process started, by error code."), labels: [("code", code)]).increment()
    }

    /// A live hook call.
    public func hookCalled(unit: String, hook: String, seconds: Double, instructions: Int, failed: Bool) {
        let labels = [("unit", unit), ("hook", hook)]
        registry.makeCounter(descriptor: Self.hookCalls, labels: labels).increment()
        let failures = registry.makeCounter(descriptor: Self.hookFailures, labels: labels)
        if failed { failures.increment() }
        registry.makeValueHistogram(descriptor: Self.descriptor("halo_hook_duration_seconds", help: "Wall time of one policy hook call, seconds."), labels: labels, buckets: Self.latencyBuckets).record(seconds)
        registry.makeValueHistogram(descriptor: Self.descriptor("halo_hook_instructions", help: "Lua instructions one policy hook call used."), labels: labels, buckets: Self.instructionBuckets).record(Double(instructions))
    }

    /// A journal commit took `seconds`.
    public func committed(seconds: Double) {
        registry.makeValueHistogram(descriptor: Self.descriptor("halo_journal_commit_seconds", help: "Wall time of one journal commit (one batch of events), seconds."), labels: [], buckets: Self.commitBuckets).record(seconds)
    }

    /// A signal was raised.
    public func signalRaised(unit: String, code: String, severity: String) {
        registry.makeCounter(descriptor: Self.signals, labels: [("unit", unit), ("code", code), ("severity", severity)]).increment()
    }

    /// A policy reload was attempted.
    public func reloaded(unit: String, accepted: Bool) {
        registry.makeCounter(descriptor: Self.policyReloads, labels: [("unit", unit), ("outcome", accepted ? "accepted" : "refused")]).increment()
    }

    /// Sets a gauge.
    public func gauge(_ name: String, _ labels: [(String, String)], _ value: Double, help: String) {
        registry.makeGauge(descriptor: Self.descriptor(name, help: help), labels: labels).set(value)
    }

    /// The text format.
    public func render() -> String { registry.emitToString() }
}
