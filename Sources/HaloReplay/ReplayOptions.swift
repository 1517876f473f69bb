import HaloCore

/// What to replay: a candidate policy for one Unit, and the window to report on.
///
/// ```swift
/// var options = ReplayOptions(policy: "policies/tbill-v2.lua")
/// options.unit = "tbill-a"
/// options.since = try Timestamp(iso8601: "2026-03-09T00:00:00Z")
/// ```
public struct ReplayOptions: Sendable {
    /// The candidate policy file.
    public var policy: String
    /// The Unit whose policy the candidate replaces; nil: the Unit whose artifact names the
    /// same policy file, or the only Unit.
    public var unit: String?
    /// The candidate takes over at the first journal record at or after this time; before it
    /// both worlds follow the recorded outcomes (they rebuild the state). Nil: from the start.
    public var since: Timestamp?
    /// Report nothing after this time (inclusive bound). Nil: to the end of the journal.
    public var until: Timestamp?
    /// The Halo Artifact; nil: the one the journal's genesis record names.
    public var haloPath: String?

    /// Options for `policy` over the whole journal.
    public init(policy: String, unit: String? = nil, since: Timestamp? = nil, until: Timestamp? = nil, haloPath: String? = nil) {
        self.policy = policy
        self.unit = unit
        self.since = since
        self.until = until
        self.haloPath = haloPath
    }

    /// True when `time` lies in the reporting window.
    func inWindow(_ time: Timestamp) -> Bool {
        if let since, time < since { return false }
        if let until, time > until { return false }
        return true
    }
}
