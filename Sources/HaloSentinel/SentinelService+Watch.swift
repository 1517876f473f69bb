import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal

/// Watches policy files by polling their content hash: robust on network filesystems, where
/// change notifications are not delivered.
public struct PolicyWatcher {
    /// The last seen SHA-256 by file.
    var digests: [String: String] = [:]

    /// A watcher that has seen nothing yet.
    public init() {}

    /// Files whose content changed since the last call (the first call only records).
    public mutating func changed(_ files: [String]) -> [String] {
        var result: [String] = []
        for file in files {
            let digest = FileDigest.sha256(ofFile: file) ?? "missing"
            if let previous = digests[file], previous != digest { result.append(file) }
            digests[file] = digest
        }
        return result
    }
}

extension SentinelService {
    /// What a reload attempt came to.
    public struct ReloadOutcome: Sendable {
        /// The Unit.
        public var unit: String
        /// The policy file.
        public var file: String
        /// True when swapped (or deferred to after settlement).
        public var accepted: Bool
        /// Why not, or what happened.
        public var message: String
    }

    /// The policy files of every Unit, as the artifacts name them.
    public var policyFiles: [(unit: String, file: String)] {
        halo.units.map { ($0.name, $0.policyFile) }
    }

    /// Tries to swap `unit`'s policy for the current content of `file`: compiled in a fresh
    /// sandbox and checked (with `runTests`, the Unit's fixtures must pass too); a broken edit
    /// or a pin mismatch is refused and the old policy keeps running. Inside the processing
    /// window the swap waits for settlement. Every attempt is journaled. A `preflight` (the
    /// replay of recent history, ``ReloadPreflight``) runs last and may refuse the swap; its
    /// summary is journaled with the attempt (`replay`) and logged with it.
    public func reloadPolicy(unit: String, file: String, runTests: Bool,
                             preflight: ((_ unit: String, _ file: String) -> ReloadPreflight)? = nil) throws(ServiceError) -> ReloadOutcome {
        guard let sentinel = sentinels[unit] else {
            return ReloadOutcome(unit: unit, file: file, accepted: false, message: "unknown unit")
        }
        var outcome = ReloadOutcome(unit: unit, file: file, accepted: true, message: "swapped")
        if runTests {
            let failing = TestDiscovery.fixtures(ofUnitAt: sentinel.artifact.path).filter { path in
                guard let fixture = try? Fixture.load(path: path), let result = try? FixtureRunner.run(fixture, stdlib: stdlib) else { return true }
                return !result.passed
            }
            if !failing.isEmpty {
                outcome.accepted = false
                outcome.message = "fixtures fail with the edited policy: \(failing.joined(separator: ", "))"
            }
        }
        let decisionsBefore = sentinel.decisions.count, actionsBefore = sentinel.actions.count, signalsBefore = sentinel.signals.count
        var verdict: ReloadPreflight?
        if outcome.accepted, let preflight {
            verdict = preflight(unit, file)
            if let refusal = verdict?.refusal {
                outcome.accepted = false
                outcome.message = refusal
            }
        }
        if outcome.accepted {
            do {
                let windowOpen = sentinel.inProcessingWindow
                try sentinel.reload(file, pin: sentinel.artifact.policySHA256, at: now)
                if windowOpen { outcome.message = "deferred until after settlement (processing window)" }
            } catch {
                outcome.accepted = false
                outcome.message = error.message
            }
        } else {
            outcome.message = "\(UnitSentinel.reloadRefused): \(outcome.message)"
        }
        // A swap or a deferral is recorded by the Sentinel's own log (one shape, see
        // SentinelService+Attribution); a refusal is recorded here, once.
        _ = sentinel.takeRecordedTape()
        // The replay's verdict rides on the attempt's record (swapped, deferred or refused).
        if let verdict { replayVerdicts[unit] = verdict }
        defer { replayVerdicts[unit] = nil }
        queueDecisions(sentinel, eventID: nil, decisionsFrom: decisionsBefore, actionsFrom: actionsBefore, signalsFrom: signalsBefore)
        if !outcome.accepted {
            let identity = sentinel.policyIdentity
            queueReloadRecord(reloadRecord(unit: unit, time: now, status: "refused", file: file, sha256: FileDigest.sha256(ofFile: file),
                                           previous: Self.policyJSON(file: identity.file, sha256: identity.sha256),
                                           requestedAt: now, eventID: nil, message: outcome.message),
                              unit: unit, time: now)
        }
        appendSwapRecords()
        try flush()
        return outcome
    }
}
