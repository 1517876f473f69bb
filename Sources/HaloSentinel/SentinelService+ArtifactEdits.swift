import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal

/// Artifact Edits: proposals reach the Sentinel through the journal's inbox (`halo artifact
/// propose`/`cancel`, or `--watch` on the Halo Artifact), are journaled with their diff and
/// effective time, and are applied when the clock reaches that time.
///
/// Rules (docs/governance.md): the proposer holds aBEAM; the revision is the one in force + 1
/// (checked at proposal and again at effect, so an edit overtaken by another is refused);
/// removals and reductions take effect at once, anything else after the Halo's timelock and
/// never inside the 13:00-16:00 processing window (it then lands at the 16:00 settlement,
/// after it). At effect the whole Halo is re-validated (files unchanged since the proposal,
/// artifacts valid, policies load) and either swapped in whole or refused with the reason;
/// a refused edit leaves the running Halo untouched.
///
/// Journal: `artifact-proposed` (payload: the edit, and `outcome` when it took effect at
/// once), `artifact-cancelled`, `artifact-refused` (a proposal refused on arrival); an edit
/// that lands later is an entry `{"edit": id, "time", "outcome", "error"}` in the `clocks`
/// of the record whose clock move reached it, in order with the cycles around it, so a
/// replay applies it at the same point.
extension SentinelService {
    static let artifactProposedKind = JournalRecordKind("artifact-proposed")
    static let artifactCancelledKind = JournalRecordKind("artifact-cancelled")
    static let artifactRefusedKind = JournalRecordKind("artifact-refused")

    /// The inbox payload of a proposal: `{"artifact_edit":{"file","actor","digests"}}`.
    public static func proposalPayload(file: String, actor: String) -> String {
        JSONValue.object([("artifact_edit", .object([("file", .string(PolicyHost.absolute(file))), ("actor", .string(actor))]))]).serialized()
    }

    /// The inbox payload of a cancellation: `{"artifact_cancel":{"edit","actor"}}`.
    public static func cancellationPayload(edit: String, actor: String) -> String {
        JSONValue.object([("artifact_cancel", .object([("edit", .string(edit)), ("actor", .string(actor))]))]).serialized()
    }

    /// SHA-256 of every file an artifact is made of: the Halo Artifact, its Unit Artifacts,
    /// their policies and the Halo's procedures.
    public static func digests(of halo: HaloArtifact) -> [String: String] {
        var files = [halo.path] + halo.units.flatMap { [$0.path, $0.policyFile] } + halo.procedures.values
        files = files.map(PolicyHost.absolute)
        return Dictionary(files.map { ($0, FileDigest.sha256(ofFile: $0) ?? "missing") }, uniquingKeysWith: { a, _ in a })
    }

    /// When an edit with `diff`, journaled at `time`, takes effect under `halo`'s rules.
    public static func effectiveTime(of diff: ArtifactDiff, proposedAt time: Timestamp, halo: HaloArtifact) -> Timestamp {
        if diff.onlyReduces { return time }
        var effective = time.adding(halo.governance.timelock)
        let schedule = halo.settlement.dailySchedule
        if !schedule.isSkipped(effective) {
            let day = effective.startOfDay
            let lock = day.adding(seconds: Int64(halo.settlement.lock.hour * 3600 + halo.settlement.lock.minute * 60))
            let settle = day.adding(seconds: Int64(halo.settlement.settle.hour * 3600 + halo.settlement.settle.minute * 60))
            // Nothing but reductions takes effect while the queues are locked.
            if effective >= lock && effective < settle { effective = settle }
        }
        return effective
    }

    /// Checks a proposal against the artifact in force; returns the diff or the refusal.
    public func validateProposal(file: String, actor: String) -> Result<(HaloArtifact, ArtifactDiff), StepFailure> {
        guard Authority(roles: halo.roles).holds(actor, .abeam, unit: "") else {
            let holders = halo.roles.abeam.isEmpty ? "none" : halo.roles.abeam.joined(separator: ", ")
            return .failure(StepFailure(code: "not-authorized", message: "'\(actor)' does not hold aBEAM, which Artifact Edits need; holders: \(holders)"))
        }
        let proposed: HaloArtifact
        do { proposed = try HaloArtifact.load(path: file) } catch {
            return .failure(StepFailure(code: error.code.rawValue, message: error.description))
        }
        guard proposed.revision == halo.revision + 1 else {
            return .failure(StepFailure(code: "revision-invalid",
                                        message: "\(file): revision \(proposed.revision); the revision in force is \(halo.revision), an edit brings \(halo.revision + 1)"))
        }
        guard proposed.name == halo.name else {
            return .failure(StepFailure(code: "artifact-invalid", message: "\(file): Halo '\(proposed.name)' is not '\(halo.name)'"))
        }
        return .success((proposed, ArtifactDiff(old: halo, new: proposed)))
    }

    /// Takes one governance item from the inbox (nil when the item is not one): journals the
    /// proposal, refusal or cancellation and returns its record.
    func takeArtifactItem(_ payload: JSONValue, eventID: String, inboxID: Int64) -> JournalRecordDraft? {
        if let edit = payload["artifact_edit"] {
            guard case .string(let file)? = edit["file"], case .string(let actor)? = edit["actor"] else {
                return artifactRefusal(eventID: eventID, id: "edit-\(inboxID)", StepFailure(code: "fixture-invalid", message: "artifact_edit needs file and actor"))
            }
            let id = "edit-\(inboxID)"
            switch validateProposal(file: file, actor: actor) {
            case .failure(let failure):
                return artifactRefusal(eventID: eventID, id: id, failure)
            case .success(let (proposed, diff)):
                let edit = PendingArtifactEdit(id: id, revision: proposed.revision, file: PolicyHost.absolute(file),
                                               digests: Self.digests(of: proposed), actor: actor, proposedAt: now,
                                               effectiveAt: Self.effectiveTime(of: diff, proposedAt: now, halo: halo), diff: diff.json)
                var fields: [(String, JSONValue)] = [("id", .string(id)), ("time", .string(now.iso8601)), ("edit", edit.json),
                                                     ("digests", .object(edit.digests.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))]
                artifactEdits.pending.append(edit)
                onLog("artifact edit \(id) (revision \(edit.revision)) by \(actor): effective \(edit.effectiveAt.iso8601)")
                queueEditDecision(edit, status: "proposed", failure: nil)
                if edit.effectiveAt <= now {
                    let failure = landEdit(edit)
                    fields.append(("outcome", outcomeJSON(failure)))
                }
                return JournalRecordDraft(kind: Self.artifactProposedKind, eventID: eventID, time: now.iso8601,
                                          payload: JSONValue.object(fields).serialized())
            }
        }
        if let cancel = payload["artifact_cancel"] {
            guard case .string(let id)? = cancel["edit"], case .string(let actor)? = cancel["actor"] else {
                return artifactRefusal(eventID: eventID, id: nil, StepFailure(code: "fixture-invalid", message: "artifact_cancel needs edit and actor"))
            }
            guard halo.roles.abeam.contains(actor) else {
                return artifactRefusal(eventID: eventID, id: id, StepFailure(code: "not-authorized", message: "'\(actor)' does not hold aBEAM, which cancelling an edit needs"))
            }
            guard artifactEdits.pending.contains(where: { $0.id == id }) else {
                return artifactRefusal(eventID: eventID, id: id, StepFailure(code: "fixture-invalid", message: "no pending edit '\(id)' (it may have landed, been refused or been cancelled before this cancel was read)"))
            }
            artifactEdits.remove(id)
            onLog("artifact edit \(id) cancelled by \(actor)")
            return JournalRecordDraft(kind: Self.artifactCancelledKind, eventID: eventID, time: now.iso8601,
                                      payload: JSONValue.object([("id", .string(id)), ("actor", .string(actor)), ("time", .string(now.iso8601))]).serialized())
        }
        return nil
    }

    func artifactRefusal(eventID: String, id: String?, _ failure: StepFailure) -> JournalRecordDraft {
        eventsRejected += 1
        onLog("refused artifact item \(id ?? eventID): \(failure)")
        pendingDecisions.append(.object([("type", .string("artifact-edit")), ("edit", id.map { .string($0) } ?? .null),
                                         ("revision", .int(Int64(halo.revision))), ("status", .string("refused")),
                                         ("time", .string(now.iso8601)),
                                         ("error", .object([("code", .string(failure.code)), ("message", .string(failure.message))]))]))
        let payload = JSONValue.object([("id", id.map { .string($0) } ?? .null), ("time", .string(now.iso8601)),
                                        ("error", .object([("code", .string(failure.code)), ("message", .string(failure.message))]))])
        return JournalRecordDraft(kind: Self.artifactRefusedKind, eventID: eventID, time: now.iso8601, payload: payload.serialized())
    }

    func outcomeJSON(_ failure: StepFailure?) -> JSONValue {
        guard let failure else { return .object([("status", .string("applied"))]) }
        return .object([("status", .string("refused")),
                        ("error", .object([("code", .string(failure.code)), ("message", .string(failure.message))]))])
    }

    func queueEditDecision(_ edit: PendingArtifactEdit, status: String, failure: StepFailure?) {
        pendingDecisions.append(.object([("type", .string("artifact-edit")), ("edit", .string(edit.id)),
                                         ("revision", .int(Int64(halo.revision))), ("status", .string(status)),
                                         ("time", .string(now.iso8601)), ("effective_at", .string(edit.effectiveAt.iso8601)),
                                         ("error", failure.map { .object([("code", .string($0.code)), ("message", .string($0.message))]) } ?? .null)]))
    }

    /// Applies every edit due up to `time`, each at its own effective time, recording each
    /// outcome among the pending clock moves (see the type's documentation).
    func applyDueEdits(upTo time: Timestamp) {
        while let edit = artifactEdits.nextDue(upTo: time) {
            advanceUnits(to: edit.effectiveAt)
            let failure = landEdit(edit)
            var entry: [(String, JSONValue)] = [("edit", .string(edit.id)), ("time", .string(max(now, edit.effectiveAt).iso8601))]
            if case .object(let pairs) = outcomeJSON(failure) { entry += pairs }
            pendingClocks.append(.object(entry))
        }
    }

    /// Re-validates and applies one edit now; nil when applied, else why it was refused.
    /// The edit leaves the pending list either way.
    @discardableResult
    func landEdit(_ edit: PendingArtifactEdit) -> StepFailure? {
        artifactEdits.remove(edit.id)
        let failure = swapIn(edit)
        if let failure {
            onLog("artifact edit \(edit.id) refused at effect: \(failure)")
        } else {
            artifactEdits.applied += 1
            onLog("artifact edit \(edit.id): revision \(halo.revision) in force")
        }
        queueEditDecision(edit, status: failure == nil ? "applied" : "refused", failure: failure)
        return failure
    }

    /// Builds every new or changed Unit from the proposed artifact; only when all of them
    /// load does the Halo change (all or nothing).
    func swapIn(_ edit: PendingArtifactEdit) -> StepFailure? {
        guard edit.revision == halo.revision + 1 else {
            return StepFailure(code: "revision-invalid", message: "edit \(edit.id) brings revision \(edit.revision) but revision \(halo.revision) is in force")
        }
        for (file, digest) in edit.digests.sorted(by: { $0.key < $1.key }) where (FileDigest.sha256(ofFile: file) ?? "missing") != digest {
            return StepFailure(code: "integrity-mismatch", message: "\(file) changed since edit \(edit.id) was proposed")
        }
        let proposed: HaloArtifact
        do { proposed = try HaloArtifact.load(path: edit.file) } catch {
            return StepFailure(code: error.code.rawValue, message: error.description)
        }
        guard proposed.name == halo.name else {
            return StepFailure(code: "artifact-invalid", message: "Halo '\(proposed.name)' is not '\(halo.name)'")
        }
        guard proposed.settlement == halo.settlement else {
            return StepFailure(code: "artifact-invalid", message: "the settlement schedule cannot change on a running Halo (restart with the new artifact)")
        }
        let diff = ArtifactDiff(old: halo, new: proposed)
        if let removed = diff.removedUnits.first {
            return StepFailure(code: "artifact-invalid", message: "unit '\(removed)' would be removed; a Unit leaves a Halo by migration, not by an edit")
        }
        let changedUnits = Set(diff.changes.compactMap { change -> String? in
            guard let unit = change.unit, change.field != "unit", !change.field.hasPrefix("roles.") else { return nil }
            return unit
        })
        var built: [String: UnitSentinel] = [:]
        for artifact in proposed.units where sentinels[artifact.name] == nil || changedUnits.contains(artifact.name) {
            do {
                let sentinel = try UnitSentinel(artifact: artifact, schedule: proposed.settlement, start: now, stdlib: stdlib,
                                                migrationProcedure: proposed.procedures["migration"], dailyClock: true)
                if let failure = sentinel.policyLoadFailure {
                    return StepFailure(code: failure.code, message: "unit \(artifact.name): \(failure)")
                }
                if let old = sentinels[artifact.name], let before = unitsByName[artifact.name] {
                    var snapshot = old.makeSnapshot()
                    snapshot.policyFile = artifact.policyFile
                    sentinel.restore(snapshot)
                    try Self.carryLimits(from: before, to: artifact, on: sentinel, at: now)
                }
                sentinel.recordsTape = true
                observeSettlements(sentinel)
                sentinel.unit.retainLedgerEntries(Self.retainedLedgerEntries)
                built[artifact.name] = sentinel
            } catch {
                return StepFailure(code: "artifact-invalid", message: "unit \(artifact.name): \(error)")
            }
        }
        for (name, sentinel) in built {
            sentinels[name]?.clearLogs()
            sentinels[name] = sentinel
        }
        halo = proposed
        unitNames = proposed.units.map(\.name)
        unitsByName = Dictionary(uniqueKeysWithValues: proposed.units.map { ($0.name, $0) })
        return nil
    }

    /// Applies what changed in a Unit's limits, inits and Configurator parameters to its live PAU.
    static func carryLimits(from old: UnitArtifact, to new: UnitArtifact, on sentinel: UnitSentinel, at time: Timestamp) throws(StepFailure) {
        let before = Dictionary(old.rateLimits.map { ($0.key, $0.spec) }, uniquingKeysWith: { a, _ in a })
        try sentinel.core { () throws(HaloError) in
            for (key, spec) in new.rateLimits where before[key] != spec {
                switch spec {
                case .unlimited: try sentinel.unit.setUnlimitedRateLimit(key: key, at: time)
                case .limited(let maxAmount, let slope):
                    try sentinel.unit.setRateLimit(key: key, maxAmount: maxAmount.units, slope: slope.units, at: time)
                }
            }
            for (key, _) in old.rateLimits where !new.rateLimits.contains(where: { $0.key == key }) {
                try sentinel.unit.setRateLimit(key: key, maxAmount: .zero, slope: .zero, at: time)
            }
            if old.configurator.hop != new.configurator.hop || old.configurator.maxChange != new.configurator.maxChange {
                try sentinel.unit.fileConfigurator(hop: new.configurator.hop, maxChange: new.configurator.maxChange, at: time)
            }
            for (key, initial) in new.configurator.inits.sorted(by: { $0.key < $1.key }) where old.configurator.inits[key] != initial {
                try sentinel.unit.addInit(key: key, maxAmount: initial.maxAmount.units, slope: initial.slope.units, at: time)
            }
        }
    }

    // MARK: Replay

    /// Replays an `artifact-proposed` or `artifact-cancelled` record.
    func replayArtifactRecord(_ record: JournalRecord, payload: JSONValue) throws {
        if case .string(let timeText)? = payload["time"] { now = max(now, try Timestamp(iso8601: timeText)) }
        if record.kind == Self.artifactCancelledKind {
            if case .string(let id)? = payload["id"] { artifactEdits.remove(id) }
            return
        }
        guard let json = payload["edit"], case .string(let id)? = json["id"], case .int(let revision)? = json["revision"],
              case .string(let file)? = json["file"], case .string(let actor)? = json["actor"],
              case .string(let proposed)? = json["proposed_at"], case .string(let effective)? = json["effective_at"] else {
            throw ServiceError(code: "journal-corrupt", message: "record \(record.seq) holds a malformed artifact edit", invalidInput: false)
        }
        var digests: [String: String] = [:]
        if case .object(let pairs)? = payload["digests"] {
            for (file, value) in pairs { if case .string(let digest) = value { digests[file] = digest } }
        }
        let edit = PendingArtifactEdit(id: id, revision: Int(revision), file: file, digests: digests, actor: actor,
                                       proposedAt: try Timestamp(iso8601: proposed), effectiveAt: try Timestamp(iso8601: effective),
                                       diff: json["diff"] ?? .null)
        artifactEdits.pending.append(edit)
        if let outcome = payload["outcome"] { try replayOutcome(edit, outcome: outcome, seq: record.seq) }
    }

    /// Replays an edit entry of a record's `clocks`.
    func replayEditEntry(_ entry: JSONValue, seq: Int64) throws {
        guard case .string(let id)? = entry["edit"], let edit = artifactEdits.pending.first(where: { $0.id == id }) else {
            throw ServiceError(code: "journal-corrupt", message: "record \(seq) applies an edit it never proposed", invalidInput: false)
        }
        if case .string(let timeText)? = entry["time"] {
            // The run moved every Unit here first; those whose move fired a cycle were replayed
            // from the entries before this one, so moving the others fires nothing.
            let time = try Timestamp(iso8601: timeText)
            for sentinel in sentinels.values {
                sentinel.advance(to: time)
                _ = sentinel.takeRecordedTape()
            }
            now = max(now, time)
        }
        try replayOutcome(edit, outcome: entry, seq: seq)
    }

    func replayOutcome(_ edit: PendingArtifactEdit, outcome: JSONValue, seq: Int64) throws {
        guard case .string("applied")? = outcome["status"] else {
            artifactEdits.remove(edit.id)
            return
        }
        artifactEdits.remove(edit.id)
        if let failure = swapIn(edit) {
            throw ServiceError(code: "replay-diverged", message: "record \(seq): edit \(edit.id) was applied but now fails: \(failure)", invalidInput: false)
        }
        artifactEdits.applied += 1
    }
}

extension SentinelService {
    /// The Halo Artifact file the Sentinel was started from (what `--watch` watches).
    public var haloArtifactFile: String { haloFile }

    /// `--watch` saw the Halo Artifact change: proposes it as an Artifact Edit by `actor`
    /// through the inbox (taken by the next ``drainInbox()``), or says why it cannot.
    public func proposeWatchedEdit(actor: String?) {
        guard let actor else {
            onLog("\(haloFile) changed; not proposed: give --actor (an aBEAM holder) to propose edits from --watch")
            return
        }
        do {
            _ = try journal.submit(payload: Self.proposalPayload(file: haloFile, actor: actor))
        } catch {
            onLog("\(haloFile) changed; the proposal could not be queued: \(error)")
        }
    }
}

extension SentinelService {
    /// A feed line that named a Unit unknown when its batch was parsed: if an edit since
    /// brought the Unit up, or a pending one does by the event's time (the clock moves there
    /// first, landing the edit), the event parsed against the Units now in force; else nil.
    func retryForAddedUnit(_ text: String, line: Int, file: String, known: Int) -> FeedEvent? {
        guard unitsByName.count != known || !artifactEdits.pending.isEmpty else { return nil }
        if clock == .sim, started, !artifactEdits.pending.isEmpty, let json = try? JSONParser.parse(text),
           case .string(let at)? = json["at"], let time = try? Timestamp(iso8601: at),
           artifactEdits.nextDue(upTo: time) != nil {
            queueAdvance(to: time)
        }
        if let event = try? FeedEvent.parse(text, file: file, line: line, units: unitsByName) { return event }
        // The clock moved for nothing the feed could use: journal the move on its own.
        if !pendingClocks.isEmpty {
            let payload = JSONValue.object([("time", .string(now.iso8601)), ("clocks", takeClocks())])
            pendingDrafts.append(JournalRecordDraft(kind: Self.clockKind, time: now.iso8601, payload: payload.serialized()))
        }
        return nil
    }
}

extension SentinelService {
    /// Items waiting in the journal's inbox (not yet taken by the Sentinel).
    public func inboxItems() throws -> [JournalInboxItem] { try journal.pendingInbox(limit: 1000) }
}
