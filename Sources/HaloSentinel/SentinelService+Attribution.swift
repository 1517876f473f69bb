import HaloArtifacts
import HaloCore
import HaloJournal

/// Audit attribution: every journal record and decision-log line names the policy (file and
/// SHA-256) and the artifact revision that produced it, and a policy swap is one `reload`
/// record, written when the swap takes effect.
///
/// A reload's record has one shape wherever it comes from (a watched file, a feed `reload`
/// event) and whatever became of it:
/// ```json
/// {"type":"reload","unit":"tbill-a","revision":1,"time":"...T16:00:00Z","status":"swapped",
///  "file":"policies/tbill.lua","sha256":"<new>","previous":{"file":"policies/tbill.lua","sha256":"<old>"},
///  "requested_at":"...T14:00:00Z","deferred":true,"accepted":true,"event":null,"message":"..."}
/// ```
/// `status` is `swapped` (the new policy decides from `time` on), `deferred` (asked for inside
/// the processing window; a `swapped` record follows at settlement) or `refused` (the previous
/// policy keeps running). The decision log carries the same object (with an `id`); the journal
/// keeps it as a `reload` record after the record holding the calls the old policy made first.
extension SentinelService {
    /// `{"file": ..., "sha256": ...}` of a policy.
    static func policyJSON(file: String, sha256: String?) -> JSONValue {
        .object([("file", .string(PolicyHost.chunkName(file))), ("sha256", sha256.map { .string($0) } ?? .null)])
    }

    /// The policy that made `sentinel`'s calls before the first swap still in its logs.
    func policyBeforeSwaps(_ sentinel: UnitSentinel) -> JSONValue {
        if let first = sentinel.swaps.first { return Self.policyJSON(file: first.previousFile, sha256: first.previousSHA256) }
        let identity = sentinel.policyIdentity
        return Self.policyJSON(file: identity.file, sha256: identity.sha256)
    }

    /// Where in a recorded tape each swap took effect, for a journal record's `swaps`.
    func swapMarks(_ sentinel: UnitSentinel) -> JSONValue {
        .array(sentinel.swaps.map { swap in
            .object([("tape_index", .int(Int64(swap.tapeIndex))), ("time", .string(swap.time.iso8601)),
                     ("policy", Self.policyJSON(file: swap.file, sha256: swap.sha256))])
        })
    }

    /// The one shape of a reload record (see the type's documentation).
    func reloadRecord(unit: String, time: Timestamp, status: String, file: String, sha256: String?,
                      previous: JSONValue, requestedAt: Timestamp, eventID: String?, message: String) -> JSONValue {
        .object([
            ("type", .string("reload")), ("unit", .string(unit)), ("revision", .int(Int64(halo.revision))),
            ("time", .string(time.iso8601)), ("status", .string(status)),
            ("file", .string(PolicyHost.chunkName(file))), ("sha256", sha256.map { .string($0) } ?? .null),
            ("previous", previous), ("requested_at", .string(requestedAt.iso8601)),
            ("deferred", .bool(requestedAt != time || status == "deferred")), ("accepted", .bool(status != "refused")),
            ("event", eventID.map { .string($0) } ?? .null), ("message", .string(message)),
        ])
    }

    /// Queues `record` for the decision log, the journal (after the record in the making) and stderr.
    func queueReloadRecord(_ record: JSONValue, unit: String, time: Timestamp) {
        var record = record
        let verdict = replayVerdicts[unit]
        if let verdict, case .object(var fields) = record {
            fields.append(("replay", verdict.summary))
            record = .object(fields)
        }
        pendingDecisions.append(record)
        pendingSwapDrafts.append(JournalRecordDraft(kind: .reload, unit: unit, time: time.iso8601, payload: record.serialized()))
        guard case .string(let status)? = record["status"], case .string(let file)? = record["file"] else { return }
        var line = "reload \(unit) \(file): "
        switch status {
        case "swapped":
            if case .string(let sha)? = record["sha256"] { line += "swapped in, sha256 \(sha.prefix(12))…" }
            if record["deferred"] == .bool(true), case .string(let asked)? = record["requested_at"] {
                line += " (deferred from \(asked), took effect after settlement at \(time.iso8601))"
            }
        case "deferred": line += "deferred until after settlement (processing window)"
        default: if case .string(let message)? = record["message"] { line += message }
        }
        if let verdict, verdict.refusal == nil { line += "; \(verdict.line)" }
        onLog(line)
    }

    /// Moves the queued swap records into the journal batch, after the record just appended.
    func appendSwapRecords() {
        pendingDrafts.append(contentsOf: pendingSwapDrafts)
        pendingSwapDrafts = []
    }

    /// Decision log lines for what `sentinel` decided since the given counts, each naming the
    /// policy that actually made it: lines before a swap name the previous policy, the swap's
    /// `reload` record follows them, lines after it name the new one. The Sentinel's own logs
    /// are then cleared (the lines are journaled and printed, not kept).
    func queueDecisions(_ sentinel: UnitSentinel, eventID: String?, decisionsFrom: Int, actionsFrom: Int, signalsFrom: Int) {
        defer { sentinel.clearLogs() }
        statementBook.note(sentinel, signalsFrom: signalsFrom, actionsFrom: actionsFrom)
        guard sentinel.decisions.count > decisionsFrom || sentinel.signals.count > signalsFrom
                || sentinel.actions.count > actionsFrom else { return }
        let unit = sentinel.artifact.name
        var policy = policyBeforeSwaps(sentinel)
        var cursor = (decision: decisionsFrom, signal: signalsFrom, action: actionsFrom)
        func emit(decisionsTo: Int, signalsTo: Int, actionsTo: Int) {
            let common: [(String, JSONValue)] = [
                ("unit", .string(unit)), ("revision", .int(Int64(halo.revision))), ("policy", policy),
                ("event", eventID.map { .string($0) } ?? .null),
            ]
            for record in sentinel.decisions[cursor.decision..<max(cursor.decision, decisionsTo)] {
                if record.hook == "reload" {
                    // A deferral: the swap itself is its own record when it takes effect.
                    guard case .string(let file)? = record.result["policy"] else { continue }
                    var sha: String?
                    if case .string(let text)? = record.result["sha256"] { sha = text }
                    queueReloadRecord(reloadRecord(unit: unit, time: record.time, status: "deferred", file: file, sha256: sha,
                                                   previous: policy, requestedAt: record.time, eventID: eventID,
                                                   message: "inside the processing window; takes effect after settlement"),
                                      unit: unit, time: record.time)
                    continue
                }
                pendingDecisions.append(.object([("type", .string("decision"))] + common + [
                    ("time", .string(record.time.iso8601)), ("hook", .string(record.hook)), ("result", record.result),
                    ("error", record.failure.map { .object([("code", .string($0.code)), ("message", .string($0.message))]) } ?? .null),
                ]))
            }
            for signal in sentinel.signals[cursor.signal..<max(cursor.signal, signalsTo)] {
                pendingDecisions.append(.object([("type", .string("signal"))] + common + [
                    ("time", .string(signal.time.iso8601)), ("code", .string(signal.code)),
                    ("severity", .string(signal.severity.rawValue)), ("message", .string(signal.message)),
                ]))
            }
            for action in sentinel.actions[cursor.action..<max(cursor.action, actionsTo)] {
                pendingDecisions.append(.object([("type", .string("action"))] + common + [
                    ("time", .string(action.time.iso8601)), ("action", .string(action.action)),
                    ("applied", .bool(action.applied)), ("reason", .string(action.reason)),
                ]))
            }
        }
        for swap in sentinel.swaps where swap.decisionIndex >= decisionsFrom {
            emit(decisionsTo: swap.decisionIndex, signalsTo: swap.signalIndex, actionsTo: swap.actionIndex)
            let message = swap.deferred ? "deferred from \(swap.requestedAt.iso8601); took effect after settlement" : "swapped"
            queueReloadRecord(reloadRecord(unit: unit, time: swap.time, status: "swapped", file: swap.file, sha256: swap.sha256,
                                           previous: policy, requestedAt: swap.requestedAt, eventID: eventID, message: message),
                              unit: unit, time: swap.time)
            policy = Self.policyJSON(file: swap.file, sha256: swap.sha256)
            // The swap's own decision entry is replaced by the record above.
            cursor = (swap.decisionIndex + 1, swap.signalIndex, swap.actionIndex)
        }
        emit(decisionsTo: sentinel.decisions.count, signalsTo: sentinel.signals.count, actionsTo: sentinel.actions.count)
    }
}
