import HaloArtifacts
import HaloCore
import HaloSentinel

/// `halo run --watch --replay-on-reload DAYS`: before a watched policy swap, the candidate is
/// replayed over the last `days` of the journal's history; a candidate that fails there is
/// refused (the old policy keeps deciding), and the diff summary goes with the swap's journal
/// record and log line either way.
///
/// ```swift
/// let gate = ReplayGate(stateDirectory: "state", haloPath: "halo.yaml", days: 14)
/// try service.reloadPolicy(unit: "tbill-a", file: file, runTests: false, preflight: gate.preflight(now: service.now))
/// ```
public struct ReplayGate: Sendable {
    /// The running Sentinel's state directory (opened read-only).
    public var stateDirectory: String
    /// The Halo Artifact the Sentinel runs.
    public var haloPath: String?
    /// How many days of history to replay.
    public var days: Int

    /// A gate over the last `days` days.
    public init(stateDirectory: String, haloPath: String?, days: Int) {
        self.stateDirectory = stateDirectory
        self.haloPath = haloPath
        self.days = days
    }

    /// The verdict for `unit` swapping to `file`, with the history up to `now`.
    public func check(unit: String, file: String, now: Timestamp) -> ReloadPreflight {
        let since = now.adding(seconds: -Int64(days) * Timestamp.secondsPerDay)
        let options = ReplayOptions(policy: file, unit: unit, since: since, haloPath: haloPath)
        do {
            let report = try ReplayEngine.run(stateDirectory: stateDirectory, options: options)
            let line = report.summaryLine + " (last \(days) day(s))"
            return ReloadPreflight(refusal: report.candidateFailed ? "the candidate fails on the last \(days) day(s) of history: " + line : nil,
                                   summary: report.summaryJSON(days: days), line: line)
        } catch {
            // A replay that cannot run proves nothing about the candidate: the swap waits for one that can.
            let summary = JSONValue.object([("days", .int(Int64(days))), ("status", .string("error")),
                                            ("code", .string(error.code)), ("message", .string(error.message))])
            return ReloadPreflight(refusal: "the replay of the last \(days) day(s) did not run: \(error)", summary: summary,
                                   line: "replay: \(error)")
        }
    }

    /// ``check(unit:file:now:)`` as the closure ``SentinelService/reloadPolicy(unit:file:runTests:preflight:)`` takes.
    public func preflight(now: Timestamp) -> (String, String) -> ReloadPreflight {
        { unit, file in check(unit: unit, file: file, now: now) }
    }
}
