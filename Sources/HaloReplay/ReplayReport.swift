import HaloArtifacts
import HaloCore
import HaloSentinel

/// What `halo replay` found: where the candidate decides differently from the recorded
/// history, where it failed, and the money it would have moved differently.
///
/// ```swift
/// let report = try ReplayEngine.run(stateDirectory: "state", options: options)
/// print(report.text())             // the human table
/// print(report.json().pretty())    // the --json document (docs/replay.md)
/// ```
public struct ReplayReport: Sendable {
    /// A candidate hook call that failed (the runtime fell back safely and raised POLICY_FAILURE).
    public struct Failure: Sendable {
        /// When.
        public var time: Timestamp
        /// Which hook.
        public var hook: String
        /// Why.
        public var failure: PolicyFailure
        /// True when it failed when asked on the recorded ctx (at a moment its own world did not fail).
        public var onRecordedContext: Bool
    }

    /// An event the recorded history applied and the candidate's world refused.
    public struct RefusedEvent: Sendable {
        /// When.
        public var time: Timestamp
        /// The event id.
        public var id: String
        /// Why (`subscriptions-halted`, `rate-limit-exceeded`, ...).
        public var failure: StepFailure
    }

    /// The Halo's name.
    public var halo: String
    /// The state directory replayed.
    public var stateDirectory: String
    /// The Unit whose policy was replaced.
    public var unit: String
    /// The policy file the Unit Artifact names (the recorded decisions came from it, or from
    /// the files hot-reloaded over it).
    public var recordedPolicy: String
    /// The candidate policy file.
    public var candidatePolicy: String
    /// Its SHA-256.
    public var candidateSHA256: String?
    /// The reporting window.
    public var since: Timestamp?
    /// The reporting window's end.
    public var until: Timestamp?
    /// When the journal's history starts (the genesis record).
    public var historyStart: Timestamp
    /// The time of the last journal record replayed.
    public var historyEnd: Timestamp
    /// Journal records replayed (events, refusals, clock moves).
    public var records: Int
    /// Decisions logged in each world for the compared hooks.
    public var hookCalls: (recorded: Int, candidate: Int)
    /// The hook calls where the candidate decided differently, in time order.
    public var differences: [ReplayDifference]
    /// The candidate's failed hook calls in the window.
    public var failures: [Failure]
    /// Events the candidate's world refused that the recorded history applied.
    public var refusedEvents: [RefusedEvent]
    /// The money impact, per Unit.
    public var money: [MoneyImpact]

    /// True when the candidate failed at least once.
    public var candidateFailed: Bool { !failures.isEmpty }
    /// True when the candidate decided exactly as recorded and moved the same money.
    public var identical: Bool { differences.isEmpty && refusedEvents.isEmpty && money.allSatisfy(\.isZero) }

    /// 0 identical, 1 differs, 3 the candidate failed.
    public var exitCode: Int32 { candidateFailed ? 3 : (identical ? 0 : 1) }

    /// `identical`, `differs` or `candidate-failed`.
    public var status: String { candidateFailed ? "candidate-failed" : (identical ? "identical" : "differs") }

    /// The `--json` document (shape: docs/replay.md).
    public func json() -> JSONValue {
        .object([
            ("status", .string(status)),
            ("halo", .string(halo)), ("state", .string(stateDirectory)), ("unit", .string(unit)),
            ("policy", .object([("file", .string(candidatePolicy)), ("sha256", candidateSHA256.map { .string($0) } ?? .null)])),
            ("recorded_policy", .string(recordedPolicy)),
            ("window", .object([("since", since.map { .string($0.iso8601) } ?? .null),
                                ("until", until.map { .string($0.iso8601) } ?? .null)])),
            ("history", .object([("start", .string(historyStart.iso8601)), ("end", .string(historyEnd.iso8601)),
                                 ("records", .int(Int64(records)))])),
            ("hook_calls", .object([("recorded", .int(Int64(hookCalls.recorded))), ("candidate", .int(Int64(hookCalls.candidate)))])),
            ("differences", .array(differences.map { $0.json() })),
            ("failures", .array(failures.map {
                .object([("time", .string($0.time.iso8601)), ("hook", .string($0.hook)),
                         ("code", .string($0.failure.code)), ("message", .string($0.failure.message)),
                         ("ctx", .string($0.onRecordedContext ? "recorded" : "own"))])
            })),
            ("refused_events", .array(refusedEvents.map {
                .object([("time", .string($0.time.iso8601)), ("id", .string($0.id)),
                         ("code", .string($0.failure.code)), ("message", .string($0.failure.message))])
            })),
            ("money", .object(money.map { ($0.unit, $0.json()) })),
        ])
    }

    /// The short summary journaled with a watched swap (`--replay-on-reload`).
    public func summaryJSON(days: Int) -> JSONValue {
        .object([
            ("days", .int(Int64(days))), ("status", .string(status)), ("since", since.map { .string($0.iso8601) } ?? .null),
            ("records", .int(Int64(records))), ("differences", .int(Int64(differences.count))),
            ("failures", .array(failures.prefix(5).map {
                .object([("time", .string($0.time.iso8601)), ("hook", .string($0.hook)), ("code", .string($0.failure.code)),
                         ("message", .string($0.failure.message))])
            })),
            ("money", .object(money.map { impact -> (String, JSONValue) in
                (impact.unit, JSONValue.object([
                    ("to_manager", .string(MoneyImpact.delta(impact.recorded.toManager, impact.candidate.toManager))),
                    ("from_manager", .string(MoneyImpact.delta(impact.recorded.fromManager, impact.candidate.fromManager))),
                    ("shares_minted", .string(MoneyImpact.delta(impact.recorded.sharesMinted, impact.candidate.sharesMinted))),
                    ("shares_burned", .string(MoneyImpact.delta(impact.recorded.sharesBurned, impact.candidate.sharesBurned))),
                ]))
            })),
        ])
    }

    /// One human line: the verdict, the differing decisions, the money deltas.
    public var summaryLine: String {
        if candidateFailed, let first = failures.first {
            return "replay: the candidate failed \(failures.count) time(s), first at \(first.time.iso8601) in \(first.hook): \(first.failure)"
        }
        if identical { return "replay: identical over \(records) journal records" }
        let deltas = money.map { impact in
            "\(impact.unit) to manager \(MoneyImpact.delta(impact.recorded.toManager, impact.candidate.toManager)), "
                + "from manager \(MoneyImpact.delta(impact.recorded.fromManager, impact.candidate.fromManager)), "
                + "minted \(MoneyImpact.delta(impact.recorded.sharesMinted, impact.candidate.sharesMinted)), "
                + "burned \(MoneyImpact.delta(impact.recorded.sharesBurned, impact.candidate.sharesBurned))"
        }.joined(separator: "; ")
        let first = differences.first.map { ", first at \($0.time.iso8601) (\($0.hook))" } ?? ""
        return "replay: \(differences.count) decision(s) differ\(first); \(deltas)"
    }
}
