import HaloArtifacts
import HaloCore
import HaloJournal
import HaloSentinel

/// One Unit rebuilt from the journal: either the recorded history (every hook call answered
/// by the outcome the journal recorded) or the candidate's world (the same events, the
/// candidate policy called live once it has taken over).
///
/// It applies a journal record the way a restart does (`SentinelService.replay`), but for one
/// Unit only: Units share no state, so the others need not be rebuilt.
final class ReplayWorld {
    /// Hooks whose decisions are compared (`reload` and `lock` entries are the runtime's own).
    static let comparedHooks: Set<String> = ["settle", "signals", "respond", "migrate"]

    let sentinel: UnitSentinel
    let unitName: String
    let units: [String: UnitArtifact]
    let window: ReplayOptions
    /// True while hook calls are answered from the journal.
    var followsTape = true
    /// When, and to which policy file, this world stops following the journal and calls a
    /// policy live (nil: never; the recorded world).
    var takeover: (at: Timestamp, policy: String)?
    /// Hook calls made in the window, with the signals and actions of the same moment.
    var decisions: [(time: Timestamp, hook: String, decision: ReplayDecision)] = []
    /// Decisions logged for the compared hooks, in or out of the window.
    var hookCalls = 0
    /// Hook failures in the window.
    var failures: [(time: Timestamp, hook: String, failure: PolicyFailure)] = []
    /// The candidate's answers on this world's ctx (the recorded world, once the candidate took over).
    var shadowCalls: [(time: Timestamp, hook: String, decision: ReplayDecision)] = []
    /// Events this world refused, in the window: journal seq, event id, time, why.
    var refused: [(seq: Int64, id: String, time: Timestamp, failure: StepFailure)] = []

    init(sentinel: UnitSentinel, unitName: String, units: [String: UnitArtifact], window: ReplayOptions) {
        self.sentinel = sentinel
        self.unitName = unitName
        self.units = units
        self.window = window
    }

    /// Applies one journal record at `recordTime`: an event, a refusal or a clock move (reloads
    /// and snapshots are not Unit state and never reach here).
    func apply(_ record: JournalRecord, payload: JSONValue, time recordTime: Timestamp) throws(ReplayError) {
        defer { collect() }
        try takeOverIfDue(payload, time: recordTime)
        if case .array(let clocks)? = payload["clocks"] {
            for clock in clocks {
                guard case .string(let name)? = clock["unit"], case .string(let timeText)? = clock["time"],
                      let time = try? Timestamp(iso8601: timeText) else {
                    throw .corrupt(record.seq, "a malformed clock move")
                }
                guard name == unitName else { continue }
                if followsTape { sentinel.replay(Self.tape(clock["tape"])) }
                sentinel.advance(to: time)
                try checkTape(record)
            }
        }
        var time: Timestamp?
        if case .string(let timeText)? = payload["time"] {
            guard let parsed = try? Timestamp(iso8601: timeText) else { throw .corrupt(record.seq, "time '\(timeText)' is not ISO-8601") }
            time = parsed
            // The live run moved every Unit's clock to the event's time.
            if payload["clocks"] != nil { sentinel.advance(to: parsed) }
        }
        guard record.kind == .event, case .string(let name)? = payload["unit"], name == unitName,
              let event = payload["event"], case .object = event, let time else { return }
        let parsed: FeedEvent
        do {
            parsed = try FeedEvent.parse(event, text: "", file: "journal", line: Int(record.seq), units: units)
        } catch {
            throw .corrupt(record.seq, "the journaled event does not parse: \(error)")
        }
        // A `reload` event in the feed swapped the recorded policy; the candidate stays in charge of its world.
        if !followsTape, case .reload = parsed.step.action { return }
        if followsTape { sentinel.replay(Self.tape(payload["tape"])) }
        do {
            try sentinel.perform(parsed.step.action, at: time)
        } catch {
            if window.inWindow(time) { refused.append((record.seq, parsed.id, time, error)) }
        }
        try checkTape(record)
    }

    /// Hands the Unit to the takeover policy when `time` reaches it. A record's clock move may
    /// fire cycles on both sides of that moment (a simulated clock moves only with events), so
    /// the cycles before it are first replayed from the record's outcomes and the rest of them
    /// dropped: from the takeover on, the policy decides.
    func takeOverIfDue(_ payload: JSONValue, time: Timestamp) throws(ReplayError) {
        guard followsTape, let takeover, takeover.at <= time else { return }
        if case .array(let clocks)? = payload["clocks"], let own = clocks.first(where: { $0["unit"] == .string(unitName) }) {
            sentinel.replay(Self.tape(own["tape"]))
        }
        sentinel.advance(to: takeover.at.adding(seconds: -1))
        sentinel.replay([])
        followsTape = false
        do { try sentinel.takeOver(policy: takeover.policy, at: sentinel.now) } catch {
            throw ReplayError(code: error.code, message: "the candidate does not load: \(error.locatedMessage)", exitCode: 3)
        }
    }

    /// The recorded outcomes must be used up exactly, or the baseline is not the history.
    func checkTape(_ record: JournalRecord) throws(ReplayError) {
        guard followsTape, sentinel.replayDiverged || sentinel.unusedReplayOutcomes > 0 else { return }
        throw ReplayError(code: "replay-diverged",
                          message: "journal record \(record.seq): the recorded hook outcomes of unit \(unitName) do not match the hooks its "
                              + "policy calls now (was the Unit Artifact or the policy's set of hooks changed since?)")
    }

    /// Moves what the Sentinel logged into this world's lists, then clears its logs.
    func collect() {
        defer { sentinel.clearLogs() }
        for call in sentinel.shadow?.takeCalls() ?? [] where Self.comparedHooks.contains(call.hook) && window.inWindow(call.time) {
            shadowCalls.append((call.time, call.hook, ReplayDecision(result: call.result, failure: call.failure, signals: [], actions: [])))
        }
        hookCalls += sentinel.decisions.filter { Self.comparedHooks.contains($0.hook) }.count
        for record in sentinel.decisions where Self.comparedHooks.contains(record.hook) && window.inWindow(record.time) {
            let signals = sentinel.signals.filter { $0.time == record.time }.map(\.code)
            let actions: [(action: String, applied: Bool)] = sentinel.actions
                .filter { $0.time == record.time && $0.action != "note" }.map { (action: $0.action, applied: $0.applied) }
            decisions.append((record.time, record.hook,
                              ReplayDecision(result: record.result, failure: record.failure, signals: signals, actions: actions)))
            if let failure = record.failure, !followsTape { failures.append((record.time, record.hook, failure)) }
        }
    }

    static func tape(_ json: JSONValue?) -> [HookOutcome] {
        guard case .array(let outcomes)? = json else { return [] }
        return outcomes.compactMap(HookOutcome.init(json:))
    }
}
