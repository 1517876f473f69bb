import HaloArtifacts
import HaloCore

/// A bounded authority a step needs (pBEAM executes, cBEAM configures one PAU,
/// aBEAM governs, the freezer removes a relayer).
public enum AuthorityRole: String, Sendable, CaseIterable {
    /// Governance: direct rate-limit sets, Configurator inits and parameters, policy swaps, Artifact Edits.
    case abeam
    /// The Unit's Configurator: rate-limit changes from an init, bounded by SORL.
    case cbeam
    /// Execution: lock, settle, rate-limit flows.
    case pbeam
    /// Removes the Unit's relayer.
    case freezer
}

/// Where a step comes from; it decides who takes a step that names no `actor`.
public enum StepSource: Sendable {
    /// A `halo run` feed or `halo submit`: aBEAM and freezer steps without an actor are refused;
    /// pBEAM and cBEAM steps without one are the Unit's own Sentinel acting.
    case feed
    /// A fixture: a step without an actor is taken by a holder of the role it needs, so
    /// fixtures written before roles existed stay valid.
    case fixture
}

/// The one place where a step's authority is checked, before the step touches anything.
///
/// ```swift
/// let authority = Authority(roles: halo.roles)
/// try authority.perform(step, on: sentinel, at: time, source: .feed)   // not-authorized, or the step's own failure
/// ```
///
/// Rule table (``requiredRole(for:)``): `rate_limit` `set`/`set_unlimited`, `configure`
/// `init`/`file` and `reload` need aBEAM; `configure` `set_rate_limit` the Unit's cBEAM;
/// `lock`, `settle` and `rate_limit` `consume`/`replenish` the Unit's pBEAM; `freeze` the
/// freezer. Depositors' steps (`subscribe`, `redeem`, `claim`, `exit`), manager reports,
/// `fund`, `tick` and `expect` need no role. A refusal throws `not-authorized` and changes
/// nothing.
public struct Authority: Sendable {
    /// The Halo's roles.
    public var roles: HaloRoles

    /// Creates the checker for a Halo's roles.
    public init(roles: HaloRoles) { self.roles = roles }

    /// The role `action` needs; nil when it needs none.
    public static func requiredRole(for action: StepAction) -> AuthorityRole? {
        switch action {
        case .lock, .settle: return .pbeam
        case .rateLimit(.consume), .rateLimit(.replenish): return .pbeam
        case .rateLimit(.set), .rateLimit(.setUnlimited): return .abeam
        case .configure(.addInit), .configure(.file): return .abeam
        case .configure(.setRateLimit): return .cbeam
        case .reload: return .abeam
        case .freeze: return .freezer
        case .subscribe, .redeem, .claim, .exit, .report, .tick, .expect, .fund: return nil
        }
    }

    /// Who holds `role` for `unit`.
    public func holders(of role: AuthorityRole, unit: String) -> [String] {
        switch role {
        case .abeam: return roles.abeam
        case .freezer: return roles.freezer
        case .cbeam: return roles.cbeam[unit] ?? []
        case .pbeam: return roles.pbeam[unit] ?? []
        }
    }

    /// True when `actor` holds `role` for `unit`.
    public func holds(_ actor: String, _ role: AuthorityRole, unit: String) -> Bool {
        holders(of: role, unit: unit).contains(actor)
    }

    /// Throws `not-authorized` unless the step's actor (or the default actor of its kind for
    /// `source`) holds the role the step needs for `unit`.
    public func check(_ step: FixtureStep, unit: String, source: StepSource) throws(StepFailure) {
        guard let role = Self.requiredRole(for: step.action) else { return }
        guard let actor = step.actor else {
            switch (source, role) {
            case (.fixture, _), (.feed, .pbeam), (.feed, .cbeam): return
            case (.feed, .abeam), (.feed, .freezer):
                throw StepFailure(code: "not-authorized",
                                  message: "\(describe(step.action)) needs \(role.rawValue) and names no actor; holders: \(list(role, unit))")
            }
        }
        guard holds(actor, role, unit: unit) else {
            throw StepFailure(code: "not-authorized",
                              message: "'\(actor)' does not hold \(role.rawValue)\(role == .abeam || role == .freezer ? "" : " for \(unit)") needed by \(describe(step.action)); holders: \(list(role, unit))")
        }
    }

    /// Checks the step's authority, then performs it on `sentinel` (whose clock must be at `time`).
    public func perform(_ step: FixtureStep, on sentinel: UnitSentinel, at time: Timestamp, source: StepSource) throws(StepFailure) {
        try check(step, unit: sentinel.artifact.name, source: source)
        try sentinel.perform(step.action, at: time)
    }

    func list(_ role: AuthorityRole, _ unit: String) -> String {
        let names = holders(of: role, unit: unit)
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }

    func describe(_ action: StepAction) -> String {
        switch action {
        case .rateLimit(.set): return "rate_limit set"
        case .rateLimit(.setUnlimited): return "rate_limit set_unlimited"
        case .rateLimit(.consume): return "rate_limit consume"
        case .rateLimit(.replenish): return "rate_limit replenish"
        case .configure(.addInit): return "configure init"
        case .configure(.file): return "configure file"
        case .configure(.setRateLimit): return "configure set_rate_limit"
        default: return action.name
        }
    }
}
