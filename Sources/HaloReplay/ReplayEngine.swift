import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal
import HaloSentinel

/// `halo replay`: a candidate policy against the journal's recorded history.
///
/// Two copies of the Unit are rebuilt from the journal, record by record, in one pass:
/// - the **recorded** world answers every hook call with the outcome the Sentinel journaled
///   (as a restart does), so it is exactly the history, timeouts and all;
/// - the **candidate** world follows the same outcomes until the candidate takes over (the
///   first record at or after `since`, or the first record), then calls the candidate live, in
///   its own sandbox, for every hook, on its own state: later cycles see the consequences of
///   its earlier decisions (a halt refuses later subscriptions, a smaller capacity leaves more
///   queued for the next cycle).
///
/// The journal is opened read-only and nothing is written anywhere: the state directory is
/// byte-for-byte unchanged afterwards. The two worlds' decisions are then compared hook call
/// by hook call, and their ledgers give the money each moved (``MoneyImpact``).
///
/// ```swift
/// let report = try ReplayEngine.run(stateDirectory: "state", options: ReplayOptions(policy: "policies/tbill-v2.lua"))
/// report.exitCode   // 0 identical, 1 differs, 3 the candidate failed
/// ```
public enum ReplayEngine {
    static let genesisKind = JournalRecordKind("genesis")
    static let clockKind = JournalRecordKind("clock")

    /// Replays the journal in `stateDirectory` with `options.policy`. Throws ``ReplayError``
    /// for an unusable state directory, Halo, Unit or window (exit 2) and for a candidate that
    /// does not load (exit 3); a candidate whose hooks fail during the replay is reported,
    /// not thrown (``ReplayReport/failures``).
    public static func run(stateDirectory: String, options: ReplayOptions) throws(ReplayError) -> ReplayReport {
        if let since = options.since, let until = options.until, until < since {
            throw ReplayError(code: "replay-invalid", message: "--until \(until.iso8601) is before --since \(since.iso8601)")
        }
        let journal: Journal
        do {
            journal = try Journal(directory: URL(fileURLWithPath: stateDirectory), configuration: JournalConfiguration(role: .reader))
        } catch let error as JournalError {
            throw ReplayError(code: error.code, message: error.message)
        } catch {
            throw ReplayError(code: "journal-io", message: "\(stateDirectory): \(error)")
        }
        defer { try? journal.close() }
        var cursor = journal.records(from: 1)
        do {
            guard let genesis = try cursor.next(), genesis.kind == genesisKind else {
                throw ReplayError(code: "journal-missing", message: "\(stateDirectory) holds no Sentinel history yet")
            }
            let recorded = try JSONParser.parse(genesis.payload)
            guard case .string(let startText)? = recorded["start"], let start = try? Timestamp(iso8601: startText) else {
                throw ReplayError.corrupt(genesis.seq, "the genesis record has no start time")
            }
            var haloPath = options.haloPath
            if haloPath == nil, case .string(let path)? = recorded["halo"] { haloPath = path }
            guard let haloPath else { throw ReplayError.corrupt(genesis.seq, "the genesis record names no Halo Artifact") }
            return try replay(&cursor, haloPath: haloPath, start: start, stateDirectory: stateDirectory, options: options)
        } catch let error as ReplayError {
            throw error
        } catch {
            throw ReplayError(code: "journal-corrupt", message: "\(stateDirectory): \(error)")
        }
    }

    static func replay(_ cursor: inout JournalRecordCursor, haloPath: String, start: Timestamp, stateDirectory: String,
                       options: ReplayOptions) throws -> ReplayReport {
        let halo: HaloArtifact
        do { halo = try HaloArtifact.load(path: haloPath) } catch {
            throw ReplayError(code: error.code.rawValue, message: error.locatedMessage)
        }
        let unit = try resolveUnit(halo, options: options)
        let policyFile = PolicyHostPath.absolute(options.policy)
        guard FileManager.default.isReadableFile(atPath: policyFile) else {
            throw ReplayError(code: "replay-invalid", message: "\(options.policy): cannot read the candidate policy")
        }
        let stdlib = StdlibLocator.find(near: [haloPath, policyFile])
        // Replay compares decisions; the artifact's pin guards the live Sentinel, not this copy.
        var recordedArtifact = unit
        recordedArtifact.policySHA256 = nil
        var candidateArtifact = recordedArtifact
        candidateArtifact.policyFile = policyFile
        func sentinel(_ artifact: UnitArtifact) throws -> UnitSentinel {
            do {
                return try UnitSentinel(artifact: artifact, schedule: halo.settlement, start: start, stdlib: stdlib,
                                        migrationProcedure: halo.procedures["migration"], dailyClock: true)
            } catch {
                throw ReplayError(code: error.code, message: error.message)
            }
        }
        // A candidate that does not even load fails before anything is replayed.
        if let failure = try sentinel(candidateArtifact).policyLoadFailure {
            throw ReplayError(code: failure.code, message: "the candidate does not load: \(failure)", exitCode: 3)
        }
        let baseline = try sentinel(recordedArtifact)
        if let failure = baseline.policyLoadFailure {
            throw ReplayError(code: "replay-invalid",
                              message: "unit \(unit.name): the recorded policy \(unit.policyFile) does not load (\(failure)); "
                                  + "the replay needs its set of hooks to rebuild the history")
        }
        let units = Dictionary(uniqueKeysWithValues: halo.units.map { ($0.name, $0) })
        let recordedWorld = ReplayWorld(sentinel: baseline, unitName: unit.name, units: units, window: options)
        let candidateWorld = ReplayWorld(sentinel: try sentinel(recordedArtifact), unitName: unit.name, units: units, window: options)

        let takeover = options.since ?? start
        candidateWorld.takeover = (takeover, policyFile)
        var records = 0
        var lastTime = start
        while let record = try cursor.next() {
            guard record.kind == .event || record.kind == .rejected || record.kind == clockKind else { continue }
            guard let time = try? Timestamp(iso8601: record.time) else { throw ReplayError.corrupt(record.seq, "time '\(record.time)' is not ISO-8601") }
            let payload = try JSONParser.parse(record.payload)
            if recordedWorld.sentinel.shadow == nil, time >= takeover {
                // From here the recorded world also asks the candidate each question it answers from the journal.
                do { recordedWorld.sentinel.shadow = try ShadowPolicy(file: policyFile, artifact: candidateArtifact, stdlib: stdlib) } catch {
                    throw ReplayError(code: error.code, message: "the candidate does not load: \(error.locatedMessage)", exitCode: 3)
                }
            }
            try recordedWorld.apply(record, payload: payload, time: time)
            try candidateWorld.apply(record, payload: payload, time: time)
            records += 1
            lastTime = max(lastTime, time)
            // The first record past --until still carries the cycles that fired before it.
            if let until = options.until, time > until { break }
        }

        let decimals = baseline.unit.decimals
        let money = MoneyImpact(
            unit: unit.name,
            recorded: try MoneyFlows.read(baseline.unit.ledger, decimals: decimals, opening: .one, start: start, window: options),
            candidate: try MoneyFlows.read(candidateWorld.sentinel.unit.ledger, decimals: decimals, opening: .one, start: start, window: options))
        let recordedRefusals = Set(recordedWorld.refused.map(\.seq))
        return ReplayReport(
            halo: halo.name, stateDirectory: stateDirectory, unit: unit.name,
            recordedPolicy: unit.policyFile, candidatePolicy: policyFile, candidateSHA256: FileDigest.sha256(ofFile: policyFile),
            since: options.since, until: options.until, historyStart: start, historyEnd: lastTime, records: records,
            hookCalls: (recordedWorld.hookCalls, candidateWorld.hookCalls),
            differences: differences(recordedWorld.decisions, candidateWorld.decisions, sameContext: recordedWorld.shadowCalls, unit: unit.name),
            failures: failures(own: candidateWorld.failures, sameContext: recordedWorld.shadowCalls),
            refusedEvents: candidateWorld.refused.filter { !recordedRefusals.contains($0.seq) }
                .map { ReplayReport.RefusedEvent(time: $0.time, id: $0.id, failure: $0.failure) },
            money: [money])
    }

    /// The candidate's failures in its own world, then those it would have had on the recorded
    /// ctx at moments its own world did not fail.
    static func failures(own: [(time: Timestamp, hook: String, failure: PolicyFailure)],
                         sameContext: [(time: Timestamp, hook: String, decision: ReplayDecision)]) -> [ReplayReport.Failure] {
        var result = own.map { ReplayReport.Failure(time: $0.time, hook: $0.hook, failure: $0.failure, onRecordedContext: false) }
        let seen = Set(own.map { "\($0.time.seconds)|\($0.hook)" })
        for call in sameContext where !seen.contains("\(call.time.seconds)|\(call.hook)") {
            if let failure = call.decision.failure {
                result.append(ReplayReport.Failure(time: call.time, hook: call.hook, failure: failure, onRecordedContext: true))
            }
        }
        return result.sorted { $0.time < $1.time }
    }

    /// The Unit whose policy the candidate replaces: `options.unit`, else the one whose
    /// artifact names the same file, else the only Unit.
    static func resolveUnit(_ halo: HaloArtifact, options: ReplayOptions) throws(ReplayError) -> UnitArtifact {
        let names = halo.units.map(\.name).joined(separator: ", ")
        if let name = options.unit {
            guard let unit = halo.units.first(where: { $0.name == name }) else {
                throw ReplayError(code: "replay-invalid", message: "--unit \(name): the Halo has no such Unit (units: \(names))")
            }
            return unit
        }
        let candidate = PolicyHostPath.canonical(options.policy)
        let matches = halo.units.filter { PolicyHostPath.canonical($0.policyFile) == candidate }
        if matches.count == 1 { return matches[0] }
        if halo.units.count == 1 { return halo.units[0] }
        throw ReplayError(code: "replay-invalid",
                          message: "\(options.policy) is not the policy file of exactly one Unit of \(halo.name); name the Unit with --unit (units: \(names))")
    }

    /// Pairs the two worlds' hook calls by (time, hook, occurrence) and keeps those that differ.
    static func differences(_ recorded: [(time: Timestamp, hook: String, decision: ReplayDecision)],
                            _ candidate: [(time: Timestamp, hook: String, decision: ReplayDecision)],
                            sameContext: [(time: Timestamp, hook: String, decision: ReplayDecision)],
                            unit: String) -> [ReplayDifference] {
        struct Key: Hashable, Comparable {
            var time: Timestamp
            var hook: Int
            var name: String
            var occurrence: Int
            static func < (a: Key, b: Key) -> Bool { (a.time, a.hook, a.occurrence) < (b.time, b.hook, b.occurrence) }
        }
        let order = ["settle": 0, "signals": 1, "respond": 2, "migrate": 3]
        func keyed(_ list: [(time: Timestamp, hook: String, decision: ReplayDecision)]) -> [Key: ReplayDecision] {
            var counts: [String: Int] = [:]
            var result: [Key: ReplayDecision] = [:]
            for entry in list {
                let tag = "\(entry.time.seconds)|\(entry.hook)"
                let occurrence = counts[tag, default: 0]
                counts[tag] = occurrence + 1
                result[Key(time: entry.time, hook: order[entry.hook] ?? 9, name: entry.hook, occurrence: occurrence)] = entry.decision
            }
            return result
        }
        let left = keyed(recorded), right = keyed(candidate), shadow = keyed(sameContext)
        return Set(left.keys).union(right.keys).sorted().compactMap { key in
            let old = left[key], new = right[key], asked = shadow[key]
            // Listed when the candidate's world decides differently, or when the candidate, asked
            // on the recorded ctx, would have (its world may have drifted back to the same answer).
            let worldsAgree = old.flatMap { old in new.map { old.decidesLike($0) } } ?? false
            let askedAgrees = old.flatMap { old in asked.map { old.decidesLike($0) } } ?? true
            if worldsAgree && askedAgrees { return nil }
            return ReplayDifference(time: key.time, unit: unit, hook: key.name, recorded: old, candidate: new, sameContext: asked)
        }
    }
}
