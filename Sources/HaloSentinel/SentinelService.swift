import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal

/// How `halo run` keeps time.
public enum ServiceClock: String, Sendable {
    /// Follow the events' timestamps (replays, tests).
    case sim
    /// The real UTC clock: cycles fire at 13:00 and 16:00 as the day passes.
    case real
}

/// A failure that stops the Sentinel (exit 3) or refuses to start it (exit 2).
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    /// Stable code (`artifact-invalid`, `journal-corrupt`, `journal-locked`, `replay-diverged`, ...).
    public var code: String
    /// What happened.
    public var message: String
    /// True when the input was invalid (exit 2) rather than a fatal runtime failure (exit 3).
    public var invalidInput: Bool
    public var description: String { "\(code): \(message)" }
}

/// The durable Sentinel behind `halo run`: every Unit of a Halo, one SQLite journal.
///
/// Every accepted event is applied in memory, then journaled — with the hook outcomes it
/// caused — in one transaction per batch; only after the commit are its decisions printed
/// (acknowledged). A restart replays the journal, using the recorded hook outcomes instead of
/// calling Lua, so the rebuilt state is exactly the state before the crash. An event whose
/// id is already journaled is skipped: re-reading a feed after a crash applies each event once.
///
/// ```swift
/// let service = try SentinelService(haloPath: "examples/passthrough-alpha/halo.yaml", stateDirectory: "state", clock: .sim)
/// try service.process(lines: feedLines, file: "feed.jsonl")
/// ```
public final class SentinelService {
    /// Kinds of journal records this service writes.
    static let genesisKind = JournalRecordKind("genesis")
    static let clockKind = JournalRecordKind("clock")
    /// Recent ledger entries each Unit keeps in memory while running.
    static let retainedLedgerEntries = 10_000

    /// The Halo.
    public internal(set) var halo: HaloArtifact
    /// The Units' runtimes by name.
    public internal(set) var sentinels: [String: UnitSentinel] = [:]
    /// Unit names in artifact order.
    public internal(set) var unitNames: [String] = []
    /// The Unit Artifacts by name.
    var unitsByName: [String: UnitArtifact] = [:]
    let journal: Journal
    let haloFile: String
    let clock: ServiceClock
    let stdlib: String?
    /// The simulated (or last real) time.
    public internal(set) var now: Timestamp
    /// Decision log lines (JSON) are handed here after their batch commits.
    public var onDecision: (JSONValue) -> Void = { _ in }
    /// Human log lines.
    public var onLog: (String) -> Void = { _ in }
    /// Told of each committed batch and each live hook call (the HTTP server, metrics).
    public var observer = SentinelObserver()
    var lastCommitSeconds = 0.0
    /// Events applied since start (not counting recovery).
    public private(set) var eventsApplied = 0
    /// Events refused since start.
    public internal(set) var eventsRejected = 0
    /// Events skipped because the journal already holds them.
    public private(set) var eventsSkipped = 0
    /// What recovery replayed: the records that change state (events, clock ticks, refusals,
    /// reloads, artifact edits) after the snapshot it started from, if any. Statements and the
    /// genesis record are journaled but change nothing, so they are not counted.
    public private(set) var recovered = 0

    /// Every record the journal holds, as `halo journal verify` counts them (nil: unreadable).
    public var journalRecordCount: Int64? { try? journal.count }

    /// Write a snapshot once this many records have been journaled since the last one
    /// (recovery then replays only the tail). Zero disables snapshots.
    public var snapshotEvery: Int64 = 100_000
    var lastSnapshotSeq: Int64 = 0
    /// The journal sequence recovery started replaying from (after a snapshot, its seq + 1).
    public private(set) var recoveredFromSeq: Int64 = 2
    var pendingDrafts: [JournalRecordDraft] = []
    var pendingClocks: [JSONValue] = []
    var pendingDecisions: [JSONValue] = []
    /// Artifact Edits proposed and not yet in force (SentinelService+ArtifactEdits.swift).
    public internal(set) var artifactEdits = ArtifactEditBook()
    /// What settlement statements need between settlements (SentinelService+Statements.swift).
    var statementBook = StatementBook()
    /// Journal records of policy swaps, appended after the record that carries the calls
    /// made before them (``appendSwapRecords()``).
    var pendingSwapDrafts: [JournalRecordDraft] = []
    /// The replay verdict of the reload attempt being recorded (`--replay-on-reload`), by Unit.
    var replayVerdicts: [String: ReloadPreflight] = [:]
    /// Wall-clock seconds, only to pace progress lines (injected by tests).
    public var wallClock: () -> Double = { Date().timeIntervalSince1970 }
    /// A catch-up over a long gap logs progress at most this often (seconds of wall time).
    public var progressEvery: Double = 1

    /// Opens (or creates) the journal in `stateDirectory` and rebuilds every Unit from it.
    public init(haloPath: String?, stateDirectory: String, clock: ServiceClock, start: Timestamp? = nil,
                role: JournalRole = .writer, synchronous: JournalSynchronous = .full) throws(ServiceError) {
        // A Sentinel that cannot start creates no journal and reads no event: the Halo, its
        // Units' files, pins and policies are validated before anything is written.
        let validated = try haloPath.map { path throws(ServiceError) in try Self.validatedHalo(path, startup: role == .writer) }
        do {
            if role == .writer {
                try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
            }
            journal = try Journal(directory: URL(fileURLWithPath: stateDirectory),
                                  configuration: JournalConfiguration(role: role, synchronous: synchronous))
        } catch let error as JournalError {
            // No journal where the operator pointed is a wrong --state, not a broken Sentinel.
            throw ServiceError(code: error.code, message: error.message, invalidInput: error.code == "journal-missing")
        } catch {
            throw ServiceError(code: "journal-io", message: "\(stateDirectory): \(error)", invalidInput: false)
        }
        self.clock = clock
        // The genesis record names the Halo and the start time, so `halo state` and restarts
        // need only the state directory.
        let genesis: JSONValue?
        do {
            var cursor = journal.records(from: 1, pageSize: 1)
            genesis = try cursor.next().flatMap { $0.kind == Self.genesisKind ? try? JSONParser.parse($0.payload) : nil }
        } catch {
            throw ServiceError(code: "journal-corrupt", message: "\(error)", invalidInput: false)
        }
        var path = haloPath
        if path == nil, case .string(let recorded)? = genesis?["halo"] { path = recorded }
        guard let path else {
            throw ServiceError(code: "artifact-invalid", message: "no Halo Artifact given and none recorded in \(stateDirectory)", invalidInput: true)
        }
        if let validated { halo = validated } else { halo = try Self.validatedHalo(path, startup: role == .writer) }
        stdlib = StdlibLocator.find(near: [path])
        haloFile = PolicyHost.absolute(path)
        unitNames = halo.units.map(\.name)
        unitsByName = Dictionary(uniqueKeysWithValues: halo.units.map { ($0.name, $0) })
        if case .string(let recorded)? = genesis?["start"], let time = try? Timestamp(iso8601: recorded) {
            now = time
            try buildSentinels(start: time)
            try recover()
        } else if role != .writer {
            throw ServiceError(code: "journal-missing", message: "\(stateDirectory) holds no Sentinel journal yet", invalidInput: true)
        } else if let start = start ?? (clock == .real ? Timestamp(seconds: Int64(Date().timeIntervalSince1970)) : nil) {
            now = start
            try begin(at: start)
            try flush()
        } else {
            // Simulated clock, fresh journal: the Units start on the day of the first event.
            now = Timestamp(seconds: 0)
        }
    }

    /// Creates the Units at `start` and queues the genesis record.
    func begin(at start: Timestamp) throws(ServiceError) {
        try buildSentinels(start: start)
        let payload = JSONValue.object([("halo", .string(haloFile)), ("halo_name", .string(halo.name)),
                                        ("revision", .int(Int64(halo.revision))), ("start", .string(start.iso8601)),
                                        ("clock", .string(clock.rawValue))])
        // First in the journal, before refusals of lines read while the clock had not started.
        pendingDrafts.insert(JournalRecordDraft(kind: Self.genesisKind, time: start.iso8601, payload: payload.serialized()), at: 0)
    }

    /// True once the Units exist (a fresh simulated run creates them at its first event).
    public var started: Bool { !sentinels.isEmpty }

    func buildSentinels(start: Timestamp) throws(ServiceError) {
        sentinels = [:]
        for artifact in halo.units {
            do {
                let sentinel = try UnitSentinel(artifact: artifact, schedule: halo.settlement, start: start, stdlib: stdlib,
                                                migrationProcedure: halo.procedures["migration"], dailyClock: true)
                if let failure = sentinel.policyLoadFailure {
                    throw UnitValidation.serviceError(failure, owner: "unit \(artifact.name)")
                }
                sentinel.recordsTape = true
                observeSettlements(sentinel)
                sentinel.onHookCall = { [unowned self] in self.observer.hookCalled($0) }
                // The journal is the durable record; memory keeps only recent ledger entries.
                sentinel.unit.retainLedgerEntries(Self.retainedLedgerEntries)
                sentinels[artifact.name] = sentinel
            } catch let error as ServiceError {
                throw error
            } catch {
                throw ServiceError(code: "artifact-invalid", message: "\(error)", invalidInput: true)
            }
        }
    }

    // MARK: Recovery

    /// Replays the journal after the genesis record, or after the latest snapshot.
    func recover() throws(ServiceError) {
        var start: Int64 = 2
        do {
            if let snapshot = try journal.latestSnapshot() {
                let decoded = try JSONDecoder().decode(ServiceSnapshot.self, from: snapshot.state)
                for (name, unit) in decoded.units { sentinels[name]?.restore(unit) }
                now = decoded.now
                start = snapshot.seq + 1
                lastSnapshotSeq = snapshot.seq
            }
        } catch {
            // A snapshot that cannot be read is not fatal: the journal itself is complete.
            onLog("snapshot unreadable (\(error)); replaying the whole journal")
            try buildSentinels(start: now)
            start = 2
        }
        recoveredFromSeq = start
        var cursor = journal.records(from: start)
        var lastReload: [String: (file: String, status: String)] = [:]
        do {
            while let record = try cursor.next() {
                let payload = try JSONParser.parse(record.payload)
                switch record.kind {
                case .event, Self.clockKind, .rejected:
                    try replay(record, payload: payload)
                case Self.artifactProposedKind, Self.artifactCancelledKind:
                    try replayArtifactRecord(record, payload: payload)
                case .reload:
                    // A refused reload changed nothing; a deferred one is still waiting for settlement.
                    if let unit = record.unit, case .string(let file)? = payload["file"] {
                        var status = payload["accepted"] == .bool(false) ? "refused" : "swapped"
                        if case .string(let recorded)? = payload["status"] { status = recorded }
                        if status != "refused" { lastReload[unit] = (file, status) }
                    }
                default:
                    continue
                }
                recovered += 1
            }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError(code: "journal-corrupt", message: "cannot replay the journal: \(error)", invalidInput: false)
        }
        // Live calls after recovery use the policy that was last swapped in.
        for (unit, last) in lastReload {
            guard let sentinel = sentinels[unit] else { continue }
            if last.status == "deferred", sentinel.inProcessingWindow {
                sentinel.pendingReload = last.file
            } else {
                try? sentinel.reload(last.file, pin: nil, at: now)
            }
            _ = sentinel.takeRecordedTape()
            sentinel.clearLogs()
        }
        for sentinel in sentinels.values where sentinel.replayDiverged {
            throw ServiceError(code: "replay-diverged", message: "unit \(sentinel.artifact.name): the journal's hook outcomes do not match the replay",
                               invalidInput: false)
        }
    }

    func replay(_ record: JournalRecord, payload: JSONValue) throws {
        // A replay prints nothing: its decisions were printed when they were first made.
        defer { for sentinel in sentinels.values { sentinel.clearLogs() } }
        // First the clock moves the record carries: every Unit's cycles, with their outcomes.
        if case .array(let clocks)? = payload["clocks"] {
            for clock in clocks {
                if clock["edit"] != nil {
                    try replayEditEntry(clock, seq: record.seq)
                    continue
                }
                guard case .string(let unitName)? = clock["unit"], let sentinel = sentinels[unitName],
                      case .string(let timeText)? = clock["time"] else {
                    throw ServiceError(code: "journal-corrupt", message: "record \(record.seq) has a malformed clock move", invalidInput: false)
                }
                var tape: [HookOutcome] = []
                if case .array(let outcomes)? = clock["tape"] { tape = outcomes.compactMap(HookOutcome.init(json:)) }
                sentinel.replay(tape)
                let time = try Timestamp(iso8601: timeText)
                sentinel.advance(to: time)
                _ = sentinel.takeRecordedTape()
                now = max(now, time)
            }
        }
        if case .string(let timeText)? = payload["time"] {
            let time = try Timestamp(iso8601: timeText)
            now = max(now, time)
            // The live run moved every Unit's clock here (queueAdvance); Units whose move fired
            // no cycle were not recorded above, and moving them now fires nothing either.
            if payload["clocks"] != nil {
                for sentinel in sentinels.values {
                    sentinel.advance(to: time)
                    _ = sentinel.takeRecordedTape()
                }
            }
        }
        // A clock record, or an event refused before it reached a Unit, holds nothing more.
        guard record.kind != Self.clockKind, case .string(let unitName)? = payload["unit"] else { return }
        guard let sentinel = sentinels[unitName] else {
            throw ServiceError(code: "journal-corrupt", message: "record \(record.seq) names unknown unit '\(unitName)'", invalidInput: false)
        }
        var tape: [HookOutcome] = []
        if case .array(let outcomes)? = payload["tape"] { tape = outcomes.compactMap(HookOutcome.init(json:)) }
        sentinel.replay(tape)
        defer { _ = sentinel.takeRecordedTape() }
        guard record.kind == .event, let event = payload["event"], case .object = event,
              case .string(let timeText)? = payload["time"] else { return }
        let parsed = try FeedEvent.parse(event, text: "", file: "journal", line: Int(record.seq),
                                         units: unitsByName)
        try? sentinel.perform(parsed.step.action, at: try Timestamp(iso8601: timeText))
    }

    // MARK: Events

    /// Applies feed lines in order, journaling in batches; returns the number applied.
    @discardableResult
    public func process(lines: [(text: String, line: Int)], file: String, batchSize: Int = 512) throws(ServiceError) -> Int {
        var applied = 0
        var index = 0
        while index < lines.count {
            let units = unitsByName
            let batch = lines[index..<min(lines.count, index + batchSize)]
            index += batch.count
            // Exactly once: ids already in the journal are skipped before anything is applied.
            var parsed: [(line: Int, text: String, result: Result<FeedEvent, ArtifactError>)] = []
            for (text, line) in batch where !text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                do { parsed.append((line, text, .success(try FeedEvent.parse(text, file: file, line: line, units: units)))) }
                catch { parsed.append((line, text, .failure(error))) }
            }
            let ids = parsed.map { entry -> String in
                if case .success(let event) = entry.result { return event.id }
                return "\(file):\(entry.line)"
            }
            let known: Set<String>
            do { known = try journal.journaledEventIDs(among: ids) } catch {
                throw ServiceError(code: "journal-io", message: "\(error)", invalidInput: false)
            }
            let first = parsed.lazy.compactMap { entry -> FeedEvent? in
                if case .success(let event) = entry.result, self.canStart(at: event.time) { return event } else { return nil }
            }.first
            if let first { try startIfNeeded(at: first.time) }
            var seen: Set<String> = []
            for (entry, id) in zip(parsed, ids) {
                if known.contains(id) || !seen.insert(id).inserted { eventsSkipped += 1; continue }
                switch entry.result {
                case .success(let event):
                    if clock == .sim, horizonFailure(event.time) == nil, let time = event.time { try catchUp(to: time) }
                    if apply(event) { applied += 1 }
                case .failure(let error):
                    // An event for a Unit that a pending Artifact Edit brings up by the event's time.
                    if let event = retryForAddedUnit(entry.text, line: entry.line, file: file, known: units.count) {
                        if apply(event) { applied += 1 }
                        continue
                    }
                    let field = error.field.map { "\($0): " } ?? ""
                    reject(id: id, unit: nil, time: now, code: error.code.rawValue,
                           message: "\(error.code.rawValue): \(field)\(error.message)", eventText: nil)
                }
            }
            try flush()
        }
        return applied
    }

    /// Applies one event in memory and queues its journal record; false when it was refused.
    @discardableResult
    func apply(_ event: FeedEvent) -> Bool {
        // Callers start the Units first (startIfNeeded), so an event is never read and dropped;
        // only an event too far ahead to start the clock with is left, and it is refused.
        guard started else {
            reject(id: event.id, unit: event.unit, time: now, code: CatchUp.tooFarCode,
                   message: "event time \(event.time?.iso8601 ?? "-") is more than \(CatchUp.horizonDays) days after the wall clock; "
                       + "a fresh Sentinel's clock starts at its first event within the horizon", eventText: event.text)
            return false
        }
        guard let sentinel = sentinels[event.unit] else {
            reject(id: event.id, unit: nil, time: now, code: "fixture-invalid", message: "unknown unit '\(event.unit)'", eventText: event.text)
            return false
        }
        let time: Timestamp
        switch clock {
        case .sim: time = max(now, event.time ?? now)
        case .real: time = max(now, Timestamp(seconds: Int64(Date().timeIntervalSince1970)))
        }
        if let eventTime = event.time, eventTime < now, clock == .sim {
            reject(id: event.id, unit: event.unit, time: now, code: "fixture-invalid",
                   message: "event time \(eventTime.iso8601) is before the Sentinel's clock \(now.iso8601)", eventText: event.text)
            return false
        }
        if clock == .sim, let message = horizonFailure(event.time) {
            reject(id: event.id, unit: event.unit, time: now, code: CatchUp.tooFarCode, message: message, eventText: event.text)
            return false
        }
        // Every Unit's clock moves together, so each cycle fires (and is journaled) when it is due.
        queueAdvance(to: time)
        let decisionsBefore = sentinel.decisions.count
        let actionsBefore = sentinel.actions.count
        let signalsBefore = sentinel.signals.count
        var failure: StepFailure?
        do { try Authority(roles: halo.roles).perform(event.step, on: sentinel, at: time, source: .feed) } catch { failure = error }
        let tape = sentinel.takeRecordedTape()
        var payload: [(String, JSONValue)] = [("unit", .string(event.unit)), ("time", .string(time.iso8601)),
                                              ("clocks", takeClocks()), ("revision", .int(Int64(halo.revision))),
                                              ("policy", policyBeforeSwaps(sentinel))]
        if !sentinel.swaps.isEmpty { payload.append(("swaps", swapMarks(sentinel))) }
        if let failure {
            // A refused event changes nothing, but the cycles it triggered did happen: keep their tape.
            payload.append(("error", .object([("code", .string(failure.code)), ("message", .string(failure.message))])))
            payload.append(("tape", .array(tape.map { $0.json() })))
            pendingDrafts.append(JournalRecordDraft(kind: .rejected, eventID: event.id, unit: event.unit, time: time.iso8601,
                                                    payload: JSONValue.object(payload).serialized()))
            eventsRejected += 1
            onLog("refused \(event.id) (\(event.step.action.name) for \(event.unit)): \(failure)")
        } else {
            payload.append(("event", event.json))
            payload.append(("tape", .array(tape.map { $0.json() })))
            pendingDrafts.append(JournalRecordDraft(kind: .event, eventID: event.id, unit: event.unit, time: time.iso8601,
                                                    payload: JSONValue.object(payload).serialized()))
            eventsApplied += 1
        }
        queueDecisions(sentinel, eventID: event.id, decisionsFrom: decisionsBefore, actionsFrom: actionsBefore, signalsFrom: signalsBefore)
        appendSwapRecords()
        observer.eventApplied(event.unit)
        return failure == nil
    }

    func reject(id: String, unit: String?, time: Timestamp, code: String, message: String, eventText: String?) {
        eventsRejected += 1
        onLog("refused \(id): " + (message.hasPrefix(code) ? message : "\(code): \(message)"))
        let payload = JSONValue.object([("unit", unit.map { .string($0) } ?? .null), ("time", .string(time.iso8601)),
                                        ("error", .object([("code", .string(code)), ("message", .string(message))]))])
        pendingDrafts.append(JournalRecordDraft(kind: .rejected, eventID: id, unit: unit, time: time.iso8601, payload: payload.serialized()))
    }

    /// Commits what is pending, then acknowledges it: decision lines are printed only now.
    public func flush() throws(ServiceError) {
        // Nothing is journaled before the genesis record: refusals wait for the clock to start.
        guard !pendingDrafts.isEmpty, started else { return }
        let drafts = pendingDrafts
        pendingDrafts = []
        try commit(drafts)
        acknowledgeDecisions()
    }

    /// Hands the decision lines of the last commit to ``onDecision``. Each id names the journal
    /// record of the batch and the line's place in it, so it is unique and stable across restarts.
    func acknowledgeDecisions() {
        let decisions = pendingDecisions
        pendingDecisions = []
        let tail = (try? journal.lastRecord?.seq) ?? 0
        for (offset, decision) in decisions.enumerated() {
            guard case .object(var pairs) = decision else { continue }
            pairs.insert(("id", .string("\(halo.name)-\(tail)-\(offset + 1)")), at: 0)
            onDecision(.object(pairs))
        }
        writeDueStatements()
        observer.committed(lastCommitSeconds)
    }

    /// Saves a snapshot when enough records have been journaled since the last one. The state
    /// in memory is exactly the journal's up to its last record: nothing is pending.
    func snapshotIfDue() {
        // A snapshot holds Units, not the artifact in force: after an Artifact Edit recovery replays the whole journal.
        guard snapshotEvery > 0, pendingDrafts.isEmpty, started, artifactEdits.applied == 0, artifactEdits.pending.isEmpty,
              let last = try? journal.lastRecord?.seq, last - lastSnapshotSeq >= snapshotEvery else { return }
        let snapshot = ServiceSnapshot(now: now, units: sentinels.mapValues { $0.makeSnapshot() })
        do {
            try journal.saveSnapshot(seq: last, state: try JSONEncoder().encode(snapshot))
            lastSnapshotSeq = last
        } catch {
            onLog("snapshot not saved (\(error)); recovery will replay more of the journal")
        }
    }

    func commit(_ drafts: [JournalRecordDraft]) throws(ServiceError) {
        defer { snapshotIfDue() }
        let commitStart = DispatchTime.now().uptimeNanoseconds
        defer { lastCommitSeconds = Double(DispatchTime.now().uptimeNanoseconds - commitStart) / 1e9 }
        do {
            _ = try journal.appendSkippingDuplicates(drafts)
        } catch let error as JournalError {
            throw ServiceError(code: error.code, message: error.message, invalidInput: false)
        } catch {
            throw ServiceError(code: "journal-io", message: "\(error)", invalidInput: false)
        }
    }

    // MARK: Clock and inbox

    /// Fires every cycle due up to `time` on every Unit (the real clock moving on) and
    /// journals the clock move.
    public func advance(to time: Timestamp) throws(ServiceError) {
        try catchUp(to: time)
        queueAdvance(to: time)
        if !pendingClocks.isEmpty {
            let payload = JSONValue.object([("time", .string(time.iso8601)), ("clocks", takeClocks()),
                                            ("revision", .int(Int64(halo.revision)))])
            pendingDrafts.append(JournalRecordDraft(kind: Self.clockKind, time: time.iso8601, payload: payload.serialized()))
        }
        appendSwapRecords()
        try flush()
    }

    /// Moves every Unit to `time`, keeping for each Unit whose cycle ran the hook outcomes it
    /// caused (`pendingClocks`); they are journaled with the event that moved the clock, or as
    /// a `clock` record of their own, so a replay advances the Units exactly as the run did.
    func queueAdvance(to time: Timestamp) {
        guard started, time > now else { return }
        applyDueEdits(upTo: time)
        advanceUnits(to: time)
    }

    /// Moves every Unit to `time` (the part of ``queueAdvance(to:)`` between Artifact Edits).
    func advanceUnits(to time: Timestamp) {
        guard started, time > now else { return }
        for name in unitNames {
            guard let sentinel = sentinels[name] else { continue }
            let decisionsBefore = sentinel.decisions.count, actionsBefore = sentinel.actions.count, signalsBefore = sentinel.signals.count
            sentinel.advance(to: time)
            let tape = sentinel.takeRecordedTape()
            guard sentinel.decisions.count > decisionsBefore || !tape.isEmpty else { continue }
            // The policy that made the tape's first calls; a swap inside the move is marked at its tape index.
            var entry: [(String, JSONValue)] = [("unit", .string(name)), ("time", .string(time.iso8601)),
                                                ("tape", .array(tape.map { $0.json() })), ("policy", policyBeforeSwaps(sentinel))]
            if !sentinel.swaps.isEmpty { entry.append(("swaps", swapMarks(sentinel))) }
            pendingClocks.append(.object(entry))
            queueDecisions(sentinel, eventID: nil, decisionsFrom: decisionsBefore, actionsFrom: actionsBefore, signalsFrom: signalsBefore)
        }
        now = time
    }

    /// The clock moves recorded since the last call.
    func takeClocks() -> JSONValue {
        defer { pendingClocks = [] }
        return .array(pendingClocks)
    }

    /// Applies what `halo submit` left in the inbox; returns how many items were taken.
    ///
    /// Each item is applied and journaled in the transaction that removes it from the inbox, so
    /// an item is never lost or applied twice across a crash. An item whose event id the journal
    /// already holds (submitted twice, or also on the feed) is taken but not applied again.
    @discardableResult
    public func drainInbox() throws(ServiceError) -> Int {
        let units = unitsByName
        do {
            let pending = try journal.pendingInbox(limit: 256)
            guard !pending.isEmpty else { return 0 }
            var parsed: [Int64: Result<FeedEvent, ArtifactError>] = [:]
            var ids: [Int64: String] = [:]
            for item in pending {
                do throws(ArtifactError) {
                    var event = try FeedEvent.parse(item.payload, file: "inbox", line: Int(item.id), units: units)
                    if (try? JSONParser.parse(item.payload))?["id"] == nil { event.id = item.eventID }
                    parsed[item.id] = .success(event)
                    ids[item.id] = event.id
                } catch {
                    parsed[item.id] = .failure(error)
                    ids[item.id] = item.eventID
                }
            }
            let known = try journal.journaledEventIDs(among: ids.values)
            if !started {
                let first = pending.lazy.compactMap { item -> FeedEvent? in
                    if case .success(let event)? = parsed[item.id], self.canStart(at: event.time) { return event } else { return nil }
                }.first
                if let first {
                    try startIfNeeded(at: first.time)
                    try flush()
                }
                // The inbox keeps its items until an event can start the clock.
                guard started else { return 0 }
            }
            // A long gap is caught up (and committed) before the inbox transaction opens.
            if clock == .sim, let earliest = parsed.values.compactMap({ result -> Timestamp? in
                if case .success(let event) = result, horizonFailure(event.time) == nil { return event.time } else { return nil }
            }).min() {
                try catchUp(to: earliest)
            }
            var seen: Set<String> = []
            let inboxStart = DispatchTime.now().uptimeNanoseconds
            let take = try journal.takeInbox(limit: pending.count) { item in
                let id = ids[item.id] ?? item.eventID
                let duplicate = known.contains(id) || !seen.insert(id).inserted
                if !duplicate, let payload = try? JSONParser.parse(item.payload),
                   let draft = takeArtifactItem(payload, eventID: id, inboxID: item.id) {
                    return draft
                }
                switch parsed[item.id] {
                case .success(let event)? where !duplicate:
                    // The event's own record goes in the inbox transaction; swap records follow it.
                    let mark = pendingDrafts.count
                    apply(event)
                    return pendingDrafts.remove(at: mark)
                case .failure(let error)? where !duplicate:
                    eventsRejected += 1
                    onLog("refused \(id): \(error.description)")
                    let payload = JSONValue.object([("unit", .null), ("time", .string(now.iso8601)),
                                                    ("error", .object([("code", .string(error.code.rawValue)), ("message", .string(error.description))]))])
                    return JournalRecordDraft(kind: .rejected, eventID: id, time: now.iso8601, payload: payload.serialized())
                default:
                    // Already journaled: the journal skips this draft by its event id.
                    eventsSkipped += 1
                    return JournalRecordDraft(kind: .event, eventID: id, time: now.iso8601, payload: "{}")
                }
            }
            try flush()
            lastCommitSeconds = Double(DispatchTime.now().uptimeNanoseconds - inboxStart) / 1e9
            acknowledgeDecisions()
            snapshotIfDue()
            return take.items.count
        } catch let error as JournalError {
            throw ServiceError(code: error.code, message: error.message, invalidInput: false)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError(code: "journal-io", message: "\(error)", invalidInput: false)
        }
    }

    // MARK: Output

    /// The state of every Unit, keyed by name, in the shape of dry-run's `final`.
    public func state() -> JSONValue {
        .object(unitNames.compactMap { name in sentinels[name].map { (name, $0.snapshot()) } })
    }

    /// Closes the journal.
    public func close() {
        try? journal.close()
    }
}

/// The journal snapshot: every Unit's runtime state at one journal sequence.
struct ServiceSnapshot: Codable {
    var now: Timestamp
    var units: [String: UnitSnapshot]
}
