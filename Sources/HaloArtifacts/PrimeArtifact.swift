import HaloCore

/// How a Prime's PAU into a Unit starts: from an approved init, raised through SORL.
public struct PrimeRateLimitDefault: Sendable, Equatable {
    /// The init's maximum (USDS); the adopted bootstrap is 100,000.
    public var initMax: Amount
    /// The init's slope, USDS per second (100,000 a day = 1.157407407407407407).
    public var initSlope: Amount
    /// Minimum time between two increases (18 h).
    public var hop: TimeSpan
    /// Largest factor one increase may apply (1.25).
    public var maxChange: Rate

    /// 100,000 USDS a day, 25 % per 18 h hop (DOMAIN: the adopted bootstrap for a new surface).
    public static let bootstrap = PrimeRateLimitDefault(
        initMax: try! Amount(parsing: "100000"), initSlope: try! Amount(parsing: "1.157407407407407407"),
        hop: TimeSpan(seconds: 18 * 3600), maxChange: try! Rate(parsing: "1.25"))
}

/// A limit governance sets directly on one of the Prime's PAUs (starts full).
public struct PrimeUnitLimit: Sendable, Equatable {
    /// The Unit the PAU reaches.
    public var unit: String
    /// The limit's maximum, USDS.
    public var maxAmount: Amount
    /// Refill per second, USDS.
    public var slope: Amount
}

/// The hard constraints the runtime enforces on a Prime's orders.
public struct PrimeConstraints: Sendable, Equatable {
    /// Required risk capital (sum of position value x CRR) may not exceed this share of capital (0.9).
    public var encumbranceMax: Rate
    /// Largest share of the Prime's portfolio in one Unit (1 = no cap).
    public var unitCap: Rate
    /// Largest share of the portfolio per asset class; a class not listed is uncapped.
    public var classCaps: [String: Rate]
}

/// A Prime Artifact: a capital allocator, its money, its risk parameters and its allocation policy.
///
/// ```yaml
/// prime: spark
/// capital: "250000000"
/// usds: "2000000000"
/// policy: { file: ../../policies/primes/yield-seeker.lua }
/// params: { min_yield: "0.04" }
/// constraints: { encumbrance_max: "0.9", unit_cap: "0.25", class_caps: { clo: "0.3" } }
/// rate_limits:
///   default: { init: { max: "100000", slope: "1.157407407407407407" }, hop: "18h", max_change: "1.25" }
///   tbill-a: { max: "50000000", slope: "578.703703703703703703" }   # set by governance, starts full
/// limits: { instructions: 10000000, memory: "16MiB", time: "250ms" }
/// ```
///
/// Errors are `file:line: artifact-invalid: field: message`; unknown fields are refused.
public struct PrimeArtifact: Sendable {
    /// The Prime's name (its account in every Unit).
    public var name: String
    /// Risk capital, USDS.
    public var capital: Amount
    /// Liquid USDS at the start.
    public var usds: Amount
    /// The allocation policy (resolved path).
    public var policyFile: String
    /// The policy pin, if any.
    public var policySHA256: String?
    /// Free parameters for the policy (`ctx.params`), values as written.
    public var params: [(key: String, value: String)]
    /// Encumbrance and concentration limits.
    public var constraints: PrimeConstraints
    /// The init, hop and max change for the Prime's PAU into any Unit.
    public var defaultLimit: PrimeRateLimitDefault
    /// Limits set directly by governance, by Unit.
    public var unitLimits: [PrimeUnitLimit]
    /// Budgets per `allocate` call.
    public var limits: PolicyLimits
    /// The artifact's own path.
    public var path: String
    /// Line of each top-level field.
    public var lines: [String: Int]

    /// The value of parameter `key`.
    public func param(_ key: String) -> String? { params.first { $0.key == key }?.value }

    /// Loads and validates a Prime Artifact.
    public static func load(path: String) throws(ArtifactError) -> PrimeArtifact {
        let text = try ArtifactPath.readText(path, code: .artifactInvalid, referencedFrom: nil)
        return try parse(text, path: path)
    }

    /// True when `text` looks like a Prime Artifact (a top-level `prime:` key), without validating it.
    public static func looksLikePrime(_ text: String) -> Bool {
        text.split(separator: "\n").contains { $0.hasPrefix("prime:") }
    }

    /// Parses a Prime Artifact's text; `path` locates errors and resolves the policy file.
    public static func parse(_ text: String, path: String) throws(ArtifactError) -> PrimeArtifact {
        let root = try YAMLNode.parse(text, file: path, code: .artifactInvalid)
        try root.allowOnly(["prime", "capital", "usds", "policy", "params", "constraints", "rate_limits", "limits",
                            "description"])
        var lines: [String: Int] = [:]
        for (key, value) in try root.entries() { lines[key] = value.line }
        let name = try root.required("prime").name()
        let capital = try root.required("capital").amount()
        let usds = try root.required("usds").amount()

        let policy = try root.required("policy")
        try policy.allowOnly(["file", "sha256"])
        let policyFile = ArtifactPath.resolve(try policy.required("file").string(), against: path)
        var policySHA256: String?
        if let pin = try policy.optional("sha256") {
            let digest = try pin.string().lowercased()
            guard FileDigest.isDigest(digest) else { throw pin.error("a policy pin is 64 hex digits") }
            policySHA256 = digest
        }

        var params: [(key: String, value: String)] = []
        if let node = try root.optional("params") {
            for (key, value) in try node.entries() {
                guard value.isScalar else { throw value.error("parameters are single values") }
                params.append((key, try value.string()))
            }
        }

        var constraints = PrimeConstraints(encumbranceMax: try! Rate(parsing: "0.9"), unitCap: .one, classCaps: [:])
        if let node = try root.optional("constraints") {
            try node.allowOnly(["encumbrance_max", "unit_cap", "class_caps"])
            if let value = try node.optional("encumbrance_max") { constraints.encumbranceMax = try ratio(value) }
            if let value = try node.optional("unit_cap") { constraints.unitCap = try ratio(value) }
            if let caps = try node.optional("class_caps") {
                for (key, value) in try caps.entries() { constraints.classCaps[key] = try ratio(value) }
            }
        }

        var defaultLimit = PrimeRateLimitDefault.bootstrap
        var unitLimits: [PrimeUnitLimit] = []
        if let node = try root.optional("rate_limits") {
            for (key, value) in try node.entries() {
                if key == "default" {
                    try value.allowOnly(["init", "hop", "max_change"])
                    if let initial = try value.optional("init") {
                        try initial.allowOnly(["max", "slope"])
                        defaultLimit.initMax = try initial.required("max").amount()
                        defaultLimit.initSlope = try initial.required("slope").amount()
                    }
                    if let hop = try value.optional("hop") { defaultLimit.hop = try hop.timeSpan() }
                    if let change = try value.optional("max_change") {
                        defaultLimit.maxChange = try change.rate()
                        guard defaultLimit.maxChange >= Rate.one else { throw change.error("max_change must be at least 1") }
                    }
                } else {
                    try value.allowOnly(["max", "slope"])
                    unitLimits.append(PrimeUnitLimit(unit: key, maxAmount: try value.required("max").amount(),
                                                     slope: try value.required("slope").amount()))
                }
            }
        }

        // The same budgets, ranges and messages as a Unit's (one parser for both).
        let limits = try root.optional("limits").map { node throws(ArtifactError) in try PolicyLimits.parse(node, place: "prime.limits") }
            ?? .standard
        return PrimeArtifact(name: name, capital: capital, usds: usds, policyFile: policyFile, policySHA256: policySHA256,
                             params: params, constraints: constraints, defaultLimit: defaultLimit, unitLimits: unitLimits,
                             limits: limits, path: path, lines: lines)
    }

    static func ratio(_ node: YAMLNode) throws(ArtifactError) -> Rate {
        let value = try node.rate()
        guard value <= Rate.one else { throw node.error("a ratio between 0 and 1") }
        return value
    }
}
