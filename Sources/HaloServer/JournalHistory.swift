import Foundation
import HaloArtifacts
import HaloJournal
import HaloSentinel

/// `GET /v1/decisions` and `GET /v1/signals`: read from the journal, paged by journal sequence.
///
/// Every hook call the Sentinel made is journaled with its event (or clock move) as a hook
/// outcome: the hook, its raw results and its failure. A decision here is one such outcome (its
/// results shown as the decision log shows values, see ``results(of:)``); a
/// signal is one entry of a `signals` hook's result, or the `POLICY_FAILURE` (severity `alert`)
/// the runtime raises for a failed hook. `since` is the journal sequence after which to start
/// (the previous page's `next`); a page scans at most ``scanLimit`` records so a request stays
/// short however sparse the matches are. A page ends at a record boundary (one event's hook
/// calls stay on one page), so it can hold a few more items than `limit`.
public final class JournalHistory: @unchecked Sendable {
    /// What to list.
    public enum Kind: Sendable { case decisions, signals }

    /// One page.
    public struct Page: Sendable {
        /// The items, oldest first.
        public var items: [JSONValue]
        /// Sequence to pass as `since` for the next page; nil when the journal's end was reached.
        public var next: Int64?
    }

    /// Records one request reads at most.
    public static let scanLimit = 20_000
    /// Largest `limit` a request may ask.
    public static let maxLimit = 1_000

    private let lock = NSLock()
    private let directory: URL
    private var journal: Journal?

    /// History of the journal in `stateDirectory` (opened read-only on first use).
    public init(stateDirectory: String) {
        directory = URL(fileURLWithPath: stateDirectory)
    }

    /// A page of `kind` after sequence `since`, for `unit` (nil: every Unit).
    public func page(_ kind: Kind, unit: String?, since: Int64, limit: Int) throws -> Page {
        try lock.withLock {
            if journal == nil { journal = try Journal(directory: directory, configuration: JournalConfiguration(role: .reader)) }
            guard let journal else { return Page(items: [], next: nil) }
            var items: [JSONValue] = []
            var cursor = journal.records(from: since + 1, pageSize: 512)
            var scanned = 0
            var last = since
            while items.count < limit, scanned < Self.scanLimit, let record = try cursor.next() {
                scanned += 1
                last = record.seq
                guard record.kind == .event || record.kind == .rejected || record.kind.rawValue == "clock",
                      let payload = try? JSONParser.parse(record.payload) else { continue }
                var tapes: [(unit: String, time: String, tape: [JSONValue])] = []
                if case .array(let clocks)? = payload["clocks"] {
                    for clock in clocks {
                        if case .string(let clockUnit)? = clock["unit"], case .string(let time)? = clock["time"],
                           case .array(let tape)? = clock["tape"] { tapes.append((clockUnit, time, tape)) }
                    }
                }
                if case .string(let eventUnit)? = payload["unit"], case .string(let time)? = payload["time"],
                   case .array(let tape)? = payload["tape"] { tapes.append((eventUnit, time, tape)) }
                for (tapeUnit, time, tape) in tapes where unit == nil || unit == tapeUnit {
                    for outcome in tape {
                        guard case .string(let hook)? = outcome["hook"] else { continue }
                        let common: [(String, JSONValue)] = [("seq", .int(record.seq)), ("time", .string(time)), ("unit", .string(tapeUnit)),
                                                             ("event", record.eventID.map { .string($0) } ?? .null)]
                        let failure = outcome["failure"]
                        switch kind {
                        case .decisions:
                            let results: JSONValue = Self.results(of: outcome).map { .array($0) } ?? .null
                            items.append(.object(common + [("hook", .string(hook)), ("results", results), ("error", failure ?? .null)]))
                        case .signals:
                            if let failure {
                                let message: String
                                if case .string(let text)? = failure["message"] { message = "\(hook) failed: \(text)" } else { message = "\(hook) failed" }
                                items.append(.object(common + [("code", .string("POLICY_FAILURE")), ("severity", .string("alert")),
                                                               ("message", .string(message)), ("hook", .string(hook))]))
                            } else if hook == "signals", let first = Self.results(of: outcome)?.first, case .array(let raised) = first {
                                for signal in raised {
                                    items.append(.object(common + [("code", signal["code"] ?? .null), ("severity", signal["severity"] ?? .string("warning")),
                                                                   ("message", signal["message"] ?? .string("")), ("hook", .string(hook))]))
                                }
                            }
                        }
                    }
                }
            }
            let end: Int64 = (try? journal.lastRecord?.seq) ?? 0
            let atEnd = last >= end
            return Page(items: items, next: atEnd && items.count < limit ? nil : last)
        }
    }

    /// Hooks whose result is a list (`signals`: the raised signals; `respond`, `migrate`: the
    /// proposed actions), so an empty table is `[]` there, as in the decision log.
    static let listHooks: Set<String> = ["signals", "respond", "migrate"]

    /// A journaled hook outcome's return values as JSON, converted as the decision log and
    /// traces convert Lua values (``SandboxedPolicy/json(_:)``): amounts as exact decimal strings
    /// in token units, tables with keys 1...n as arrays, other tables as objects. An empty table
    /// is `[]` for a hook that returns a list and `{}` otherwise. Nil when the call failed.
    static func results(of outcome: JSONValue) -> [JSONValue]? {
        guard let decoded = HookOutcome(json: outcome), let values = decoded.results else { return nil }
        let isList = listHooks.contains(decoded.hook)
        return values.map { value in
            let json = SandboxedPolicy.json(value)
            if isList, case .object(let pairs) = json, pairs.isEmpty { return .array([]) }
            return json
        }
    }
}
