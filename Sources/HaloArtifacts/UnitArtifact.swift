import HaloCore

/// One rate limit as an artifact declares it.
public enum RateLimitSpec: Sendable, Equatable {
    /// No limit (`unlimited`).
    case unlimited
    /// A limit of `maxAmount` refilling at `slope` base units per second.
    case limited(maxAmount: Amount, slope: Amount)
}

/// An approved init: the default max and slope for a rate-limit key.
public struct RateLimitInit: Sendable, Equatable {
    /// The init's maximum.
    public var maxAmount: Amount
    /// The init's slope per second.
    public var slope: Amount
}

/// The SORL configurator settings of a Unit.
public struct ConfiguratorSpec: Sendable, Equatable {
    /// Minimum time between two increases of one key.
    public var hop: TimeSpan
    /// Largest factor an increase may apply (1.25 = +25 %).
    public var maxChange: Rate
    /// Approved inits by key.
    public var inits: [String: RateLimitInit]
}

/// Budgets for one policy hook call.
public struct PolicyLimits: Sendable, Equatable {
    /// Lua VM instructions per call (deterministic).
    public var instructions: Int
    /// Bytes of Lua heap.
    public var memoryBytes: Int
    /// Wall-time backstop in milliseconds.
    public var wallTimeMilliseconds: Int

    /// Creates budgets.
    public init(instructions: Int, memoryBytes: Int, wallTimeMilliseconds: Int) {
        self.instructions = instructions
        self.memoryBytes = memoryBytes
        self.wallTimeMilliseconds = wallTimeMilliseconds
    }

    /// The defaults: 10M instructions, 16 MiB, 250 ms.
    public static let standard = PolicyLimits(instructions: 10_000_000, memoryBytes: 16 << 20, wallTimeMilliseconds: 250)
}

/// The actions a Unit Artifact may allow in `responses`.
public enum ResponseAction: String, Sendable, CaseIterable {
    case haltSubscriptions = "halt_subscriptions"
    case resumeSubscriptions = "resume_subscriptions"
    case zeroRateLimit = "zero_rate_limit"
    case setRateLimit = "set_rate_limit"
    case haircut
    case skipCycle = "skip_cycle"
    case freeze
    case migrate
    case alert
}

/// A Unit Artifact: one Unit's operating parameters, limits, Sentinel configuration and policy.
///
/// ```swift
/// let unit = try UnitArtifact.load(path: "examples/passthrough-alpha/units/tbill/unit.yaml")
/// print(unit.name, unit.policy.file)
/// ```
public struct UnitArtifact: Sendable {
    /// The Unit's name (`tbill-a`).
    public var name: String
    /// The vault kind; only `lcts` exists.
    public var kind: String
    /// The underlying asset (`USDS`).
    public var underlying: String
    /// The Unit's share asset (`TBILL-A`).
    public var share: String
    /// Decimals per asset (18 unless declared).
    public var decimals: [String: Int]
    /// The factory template's name.
    public var templateName: String
    /// The factory template's SHA-256 (hex).
    public var templateSHA256: String
    /// The template file, when the artifact names one (resolved).
    public var templateFile: String?
    /// The policy file (resolved, absolute or relative to the working directory).
    public var policyFile: String
    /// The policy pin, if any.
    public var policySHA256: String?
    /// Free parameters for the policy, values as written.
    public var params: [(key: String, value: String)]
    /// Rate limits by key, in declaration order.
    public var rateLimits: [(key: String, spec: RateLimitSpec)]
    /// The configurator.
    public var configurator: ConfiguratorSpec
    /// Warning signal codes the policy may raise.
    public var signals: [String]
    /// Responses the runtime may apply.
    public var responses: [ResponseAction]
    /// Budgets per hook call.
    public var limits: PolicyLimits
    /// Fields every asset-manager report must carry.
    public var reporting: [String]
    /// The artifact's own path.
    public var path: String
    /// Line of each top-level field, for later diagnostics (`policy` -> 6).
    public var lines: [String: Int]
    /// The asset class Primes' concentration caps group by (`tbill`, `mmf`, `clo`); nil when undeclared.
    public var assetClass: String? = nil
    /// Capital requirement ratio: a Prime's required risk capital per USDS of position; nil when
    /// undeclared, which Primes treat as 1 (100 %, "cannot be computed").
    public var crr: Rate? = nil

    /// Decimals of `asset` (18 unless declared).
    public func decimals(of asset: String) -> Int { decimals[asset] ?? 18 }

    /// The value of parameter `key`.
    public func param(_ key: String) -> String? { params.first { $0.key == key }?.value }

    /// Loads and validates a Unit Artifact.
    public static func load(path: String) throws(ArtifactError) -> UnitArtifact {
        let text = try ArtifactPath.readText(path, code: .artifactInvalid, referencedFrom: nil)
        return try parse(text, path: path)
    }

    /// Parses a Unit Artifact's text; `path` locates errors and resolves relative files.
    public static func parse(_ text: String, path: String) throws(ArtifactError) -> UnitArtifact {
        let root = try YAMLNode.parse(text, file: path, code: .artifactInvalid)
        try root.allowOnly(place: "unit")
        var lines: [String: Int] = [:]
        for (key, value) in try root.entries() { lines[key] = value.line }

        let name = try root.required("unit").name()
        let kindNode = try root.optional("kind")
        let kind = try kindNode?.string() ?? "lcts"
        guard kind == "lcts" else { throw kindNode!.error("unknown kind '\(kind)' (only 'lcts')") }

        let assets = try root.required("assets")
        try assets.allowOnly(place: "unit.assets")
        let underlying = try assets.required("underlying").name()
        let share = try assets.required("share").name()
        guard underlying != share else { throw assets.error("underlying and share must be different assets") }
        var decimals: [String: Int] = [:]
        if let node = try assets.optional("decimals") {
            for (asset, value) in try node.entries() {
                let places = try value.int()
                guard (0...36).contains(places) else { throw value.error("decimals must be between 0 and 36") }
                decimals[asset] = places
            }
        }

        let template = try root.required("template")
        try template.allowOnly(place: "unit.template")
        let templateName = try template.required("name").name()
        let templateHashNode = try template.required("sha256")
        let templateSHA256 = try templateHashNode.string().lowercased()
        guard FileDigest.isDigest(templateSHA256) else {
            throw templateHashNode.error("a template hash is 64 hex digits")
        }
        let templateFile = try template.optional("file").map { node throws(ArtifactError) in
            ArtifactPath.resolve(try node.string(), against: path)
        }

        let policy = try root.required("policy")
        try policy.allowOnly(place: "unit.policy")
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

        let underlyingDecimals = decimals[underlying] ?? 18
        var rateLimits: [(key: String, spec: RateLimitSpec)] = []
        if let node = try root.optional("rate_limits") {
            for (key, value) in try node.entries() {
                rateLimits.append((key, try rateLimitSpec(value, decimals: underlyingDecimals)))
            }
        }

        var configurator = ConfiguratorSpec(hop: TimeSpan(milliseconds: 18 * 3_600_000),
                                            maxChange: try! Rate(parsing: "1.25"), inits: [:])
        if let node = try root.optional("configurator") {
            try node.allowOnly(place: "unit.configurator")
            if let hop = try node.optional("hop") { configurator.hop = try hop.timeSpan() }
            if let change = try node.optional("max_change") {
                configurator.maxChange = try ConfiguratorSpec.parseMaxChange(change)
            }
            if let inits = try node.optional("inits") {
                for (key, value) in try inits.entries() {
                    try value.allowOnly(place: "unit.configurator.inits.<key>")
                    configurator.inits[key] = RateLimitInit(
                        maxAmount: try value.required("max").amount(decimals: underlyingDecimals),
                        slope: try value.required("slope").amount(decimals: underlyingDecimals))
                }
            }
        }

        let signals = try root.optional("signals")?.names() ?? []
        var responses: [ResponseAction] = []
        if let node = try root.optional("responses") {
            for item in try node.items() {
                let text = try item.string()
                guard let action = ResponseAction(rawValue: text) else {
                    let known = ResponseAction.allCases.map(\.rawValue).joined(separator: ", ")
                    throw item.error("unknown response '\(text)' (known: \(known))")
                }
                responses.append(action)
            }
        }

        let limits = try root.optional("limits").map { node throws(ArtifactError) in try PolicyLimits.parse(node, place: "unit.limits") }
            ?? .standard
        let reporting = try root.optional("reporting")?.names() ?? []

        let assetClass = try root.optional("class")?.name()
        var crr: Rate?
        if let node = try root.optional("crr") {
            let ratio = try node.rate()
            guard ratio <= Rate.one else { throw node.error("crr is a ratio between 0 and 1") }
            crr = ratio
        }
        var artifact = UnitArtifact(name: name, kind: kind, underlying: underlying, share: share, decimals: decimals,
                            templateName: templateName, templateSHA256: templateSHA256, templateFile: templateFile,
                            policyFile: policyFile, policySHA256: policySHA256, params: params,
                            rateLimits: rateLimits, configurator: configurator, signals: signals,
                            responses: responses, limits: limits, reporting: reporting, path: path, lines: lines)
        artifact.assetClass = assetClass
        artifact.crr = crr
        return artifact
    }

    static func rateLimitSpec(_ node: YAMLNode, decimals: Int) throws(ArtifactError) -> RateLimitSpec {
        if node.isScalar {
            guard try node.string() == "unlimited" else {
                throw node.error("a rate limit is 'unlimited' or { max, slope }")
            }
            return .unlimited
        }
        try node.allowOnly(place: "unit.rate_limits.<key>")
        return .limited(maxAmount: try node.required("max").amount(decimals: decimals),
                        slope: try node.required("slope").amount(decimals: decimals))
    }

    /// "16MiB", "512KiB", "1GiB", "1048576" -> bytes.
    static func byteSize(_ node: YAMLNode) throws(ArtifactError) -> Int {
        let text = try node.string()
        let units: [(String, Int)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Int(text.dropLast(suffix.count)), value > 0, value <= (1 << 40) / scale {
                return value * scale
            }
            throw node.error("'\(text)' is not a memory size (e.g. \"16MiB\")")
        }
        guard let value = Int(text), value > 0 else { throw node.error("'\(text)' is not a memory size (e.g. \"16MiB\")") }
        return value
    }
}
