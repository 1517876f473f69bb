import HaloArtifacts
import HaloCore

extension UnitSentinel {
    /// How many of the hook outcomes handed to ``replay(_:)`` no hook call has used yet.
    ///
    /// A journal record's outcomes are exactly the hook calls its event caused in the live
    /// run, so a replay that finishes a record with outcomes left over (or with
    /// ``replayDiverged`` set) did not call the hooks the live run called: the Unit Artifact
    /// or its policy's hook set changed since. `halo replay` refuses to compare against such
    /// a baseline.
    public var unusedReplayOutcomes: Int { replayTape.count }
}

extension UnitSentinel {
    /// Puts `file` in charge at once, even inside the processing window (where a hot reload
    /// waits for settlement): `halo replay` asks what the candidate would have decided had it
    /// been running from that moment. Throws the load failure (`policy-error`, ...); on
    /// failure the previous policy stays.
    public func takeOver(policy file: String, at time: Timestamp) throws(PolicyFailure) {
        let candidate = try PolicyHost(file: file, limits: artifact.limits, stdlib: stdlib, pin: nil)
        pendingReload = nil
        swap(to: candidate, at: time)
    }
}
