import HaloCore

/// Who holds which bounded authority in a Halo (the Halo Artifact's `roles`).
///
/// ```yaml
/// roles:
///   abeam: [gov]                              # governance: rate-limit sets, inits, Artifact Edits
///   freezer: [warden]                         # may remove a Unit's relayer
///   cbeam: { tbill-a: [sentinel-tbill] }      # configures one Unit's PAU through the Configurator
///   pbeam: { tbill-a: [sentinel-tbill] }      # executes: lock, settle, flows within rate limits
/// ```
///
/// A Halo Artifact without `roles` gets ``implicit``: every Unit's Sentinel (actor
/// ``sentinelActor``) holds its pBEAM and cBEAM, and nobody holds aBEAM or the freezer role,
/// so governance steps are refused until the Halo names its governance.
public struct HaloRoles: Sendable, Equatable {
    /// The actor name of a Unit's Sentinel when the Halo names no roles.
    public static let sentinelActor = "sentinel"

    /// aBEAM holders (governance).
    public var abeam: [String]
    /// Freezer role holders.
    public var freezer: [String]
    /// cBEAM holders per Unit.
    public var cbeam: [String: [String]]
    /// pBEAM holders per Unit.
    public var pbeam: [String: [String]]
    /// False for the implicit roles of a Halo Artifact without `roles`.
    public var declared: Bool

    /// Creates a role table.
    public init(abeam: [String], freezer: [String], cbeam: [String: [String]], pbeam: [String: [String]], declared: Bool = true) {
        self.abeam = abeam
        self.freezer = freezer
        self.cbeam = cbeam
        self.pbeam = pbeam
        self.declared = declared
    }

    /// The roles of a Halo Artifact that declares none (see the type's documentation).
    public static func implicit(units: [String]) -> HaloRoles {
        let sentinel = Dictionary(uniqueKeysWithValues: units.map { ($0, [sentinelActor]) })
        return HaloRoles(abeam: [], freezer: [], cbeam: sentinel, pbeam: sentinel, declared: false)
    }

    /// Parses the `roles` mapping; every per-Unit key must name a Unit of the Halo.
    static func parse(_ node: YAMLNode, units: Set<String>) throws(ArtifactError) -> HaloRoles {
        try node.allowOnly(place: "halo.roles")
        func holders(_ node: YAMLNode?) throws(ArtifactError) -> [String] {
            guard let node else { return [] }
            return try node.names()
        }
        func perUnit(_ key: String) throws(ArtifactError) -> [String: [String]] {
            guard let node = try node.optional(key) else { return [:] }
            var table: [String: [String]] = [:]
            for (unit, value) in try node.entries() {
                guard units.contains(unit) else {
                    throw value.error("roles.\(key) names unit '\(unit)', which the Halo does not list (known: \(units.sorted().joined(separator: ", ")))")
                }
                table[unit] = try value.names()
            }
            return table
        }
        return HaloRoles(abeam: try holders(try node.optional("abeam")), freezer: try holders(try node.optional("freezer")),
                         cbeam: try perUnit("cbeam"), pbeam: try perUnit("pbeam"))
    }
}

/// The Halo's governance parameters (`governance: { timelock: "14d" }`).
public struct GovernanceSpec: Sendable, Equatable {
    /// How long additions and increases wait before they take effect (default 14 days).
    public var timelock: TimeSpan

    /// Creates a spec.
    public init(timelock: TimeSpan) { self.timelock = timelock }

    /// The 14-day timelock.
    public static let standard = GovernanceSpec(timelock: TimeSpan(seconds: 14 * 86_400))

    static func parse(_ node: YAMLNode) throws(ArtifactError) -> GovernanceSpec {
        try node.allowOnly(place: "halo.governance")
        var spec = GovernanceSpec.standard
        if let timelock = try node.optional("timelock") {
            spec.timelock = try timelock.timeSpan()
            guard spec.timelock.milliseconds >= 0 else { throw timelock.error("the timelock must not be negative") }
        }
        return spec
    }
}
