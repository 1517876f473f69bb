import HaloArtifacts
import HaloCore

/// One proposed Artifact Edit waiting for its effective time.
public struct PendingArtifactEdit: Sendable {
    /// The edit's id (`edit-<inbox id>`), what `halo artifact cancel` names.
    public var id: String
    /// The revision the edit brings (the revision in force + 1 when proposed).
    public var revision: Int
    /// The proposed Halo Artifact (absolute path).
    public var file: String
    /// SHA-256 of the Halo Artifact, every Unit Artifact and every policy it names, at proposal.
    public var digests: [String: String]
    /// The aBEAM holder who proposed it.
    public var actor: String
    /// When the Sentinel journaled the proposal.
    public var proposedAt: Timestamp
    /// When it takes effect: at once for removals and reductions, else after the timelock,
    /// moved out of the 13:00-16:00 processing window to its 16:00 settlement.
    public var effectiveAt: Timestamp
    /// The semantic diff against the artifact in force at proposal.
    public var diff: JSONValue

    /// The edit as `halo artifact pending --json` prints it.
    public var json: JSONValue {
        .object([("id", .string(id)), ("revision", .int(Int64(revision))), ("file", .string(file)), ("actor", .string(actor)),
                 ("proposed_at", .string(proposedAt.iso8601)), ("effective_at", .string(effectiveAt.iso8601)), ("diff", diff)])
    }
}

/// The Artifact Edits a running Sentinel knows of: pending ones, and a count of those applied.
public struct ArtifactEditBook: Sendable {
    /// Edits proposed and not yet applied, refused or cancelled, in proposal order.
    public internal(set) var pending: [PendingArtifactEdit] = []
    /// Edits applied since the journal began (replayed ones included).
    public internal(set) var applied = 0

    /// The earliest pending edit due at or before `time` (ties: proposal order).
    func nextDue(upTo time: Timestamp) -> PendingArtifactEdit? {
        pending.filter { $0.effectiveAt <= time }.min { $0.effectiveAt < $1.effectiveAt }
    }

    mutating func remove(_ id: String) { pending.removeAll { $0.id == id } }
}
