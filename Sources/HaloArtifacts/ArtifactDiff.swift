import Foundation
import HaloCore

/// Which way one artifact change goes; it decides when the change may take effect.
public enum ChangeDirection: String, Sendable {
    /// Something new (a Unit, an init, a response, a role holder): waits for the timelock.
    case addition
    /// A larger number (a limit, a budget, a faster Configurator): waits for the timelock.
    case increase
    /// Something taken away: takes effect at once.
    case removal
    /// A smaller number: takes effect at once.
    case reduction
    /// Neither larger nor smaller (a new policy file or pin, a new schedule): waits for the timelock.
    case change

    /// True when the change may take effect at once (removals and reductions).
    public var isInstant: Bool { self == .removal || self == .reduction }
}

/// One semantic change between two Halo Artifacts.
public struct ArtifactChange: Sendable, Equatable {
    /// The Unit it concerns; nil for the Halo itself.
    public var unit: String?
    /// The dotted field (`rate_limits.deposit.max`, `responses.haircut`, `unit`, `roles.abeam.gov`).
    public var field: String
    /// The value before (nil when added).
    public var old: String?
    /// The value after (nil when removed).
    public var new: String?
    /// Addition, increase, removal, reduction or change.
    public var direction: ChangeDirection

    /// Creates a change.
    public init(unit: String?, field: String, old: String?, new: String?, direction: ChangeDirection) {
        self.unit = unit
        self.field = field
        self.old = old
        self.new = new
        self.direction = direction
    }

    /// `{"unit","field","old","new","direction"}`.
    public var json: JSONValue {
        .object([("unit", unit.map { .string($0) } ?? .null), ("field", .string(field)),
                 ("old", old.map { .string($0) } ?? .null), ("new", new.map { .string($0) } ?? .null),
                 ("direction", .string(direction.rawValue))])
    }

    /// One human line: `tbill-a  rate_limits.deposit.max  10000000 -> 12500000  increase`.
    public var line: String {
        "\(unit ?? "(halo)")  \(field)  \(old ?? "-") -> \(new ?? "-")  \(direction.rawValue)"
    }
}

/// The semantic difference between two revisions of a Halo Artifact, per Unit: limits, inits,
/// responses, signals, params, budgets, reporting, policy pins; and for the Halo its Units,
/// roles, timelock, schedule and procedures.
///
/// ```swift
/// let diff = ArtifactDiff(old: try HaloArtifact.load(path: "a.yaml"), new: try HaloArtifact.load(path: "b.yaml"))
/// diff.onlyReduces   // true: the edit may take effect at once
/// ```
public struct ArtifactDiff: Sendable, Equatable {
    /// Every change, Halo-level first, then Unit by Unit in the new artifact's order.
    public var changes: [ArtifactChange]

    /// True when every change is a removal or reduction (and there is at least none to wait for).
    public var onlyReduces: Bool { changes.allSatisfy { $0.direction.isInstant } }

    /// Units the edit adds.
    public var addedUnits: [String] { changes.filter { $0.field == "unit" && $0.direction == .addition }.compactMap(\.unit) }

    /// Units the edit removes.
    public var removedUnits: [String] { changes.filter { $0.field == "unit" && $0.direction == .removal }.compactMap(\.unit) }

    /// `{"changes":[...],"only_reduces":bool}`.
    public var json: JSONValue {
        .object([("changes", .array(changes.map(\.json))), ("only_reduces", .bool(onlyReduces))])
    }

    /// Compares two artifacts.
    public init(old: HaloArtifact, new: HaloArtifact) {
        var changes: [ArtifactChange] = []
        func add(_ unit: String?, _ field: String, _ old: String?, _ new: String?, _ direction: ChangeDirection) {
            changes.append(ArtifactChange(unit: unit, field: field, old: old, new: new, direction: direction))
        }
        // The Halo itself.
        if old.settlement != new.settlement {
            add(nil, "settlement", Self.describe(old.settlement), Self.describe(new.settlement), .change)
        }
        if old.governance.timelock != new.governance.timelock {
            // A shorter timelock gives governance more power sooner.
            add(nil, "governance.timelock", "\(old.governance.timelock)", "\(new.governance.timelock)",
                new.governance.timelock < old.governance.timelock ? .increase : .reduction)
        }
        Self.compareSets(nil, "roles.abeam", Set(old.roles.abeam), Set(new.roles.abeam), add)
        Self.compareSets(nil, "roles.freezer", Set(old.roles.freezer), Set(new.roles.freezer), add)
        for unit in Set(old.roles.cbeam.keys).union(new.roles.cbeam.keys).sorted() {
            Self.compareSets(unit, "roles.cbeam", Set(old.roles.cbeam[unit] ?? []), Set(new.roles.cbeam[unit] ?? []), add)
        }
        for unit in Set(old.roles.pbeam.keys).union(new.roles.pbeam.keys).sorted() {
            Self.compareSets(unit, "roles.pbeam", Set(old.roles.pbeam[unit] ?? []), Set(new.roles.pbeam[unit] ?? []), add)
        }
        for key in Set(old.procedures.keys).union(new.procedures.keys).sorted()
        where old.procedures[key].map(Self.normalized) != new.procedures[key].map(Self.normalized) {
            let direction: ChangeDirection = old.procedures[key] == nil ? .addition : new.procedures[key] == nil ? .removal : .change
            add(nil, "procedures.\(key)", old.procedures[key], new.procedures[key], direction)
        }
        // Units.
        let oldUnits = Dictionary(uniqueKeysWithValues: old.units.map { ($0.name, $0) })
        let newNames = Set(new.units.map(\.name))
        for unit in new.units {
            guard let before = oldUnits[unit.name] else {
                add(unit.name, "unit", nil, unit.path, .addition)
                continue
            }
            Self.compareUnits(before, unit, add)
        }
        for unit in old.units where !newNames.contains(unit.name) {
            add(unit.name, "unit", unit.path, nil, .removal)
        }
        self.changes = changes
    }

    typealias Adder = (String?, String, String?, String?, ChangeDirection) -> Void

    static func compareUnits(_ old: UnitArtifact, _ new: UnitArtifact, _ add: Adder) {
        let unit = new.name
        if old.underlying != new.underlying || old.share != new.share || old.kind != new.kind {
            add(unit, "assets", "\(old.kind) \(old.underlying)/\(old.share)", "\(new.kind) \(new.underlying)/\(new.share)", .change)
        }
        // Rate limits.
        let oldLimits = Dictionary(old.rateLimits.map { ($0.key, $0.spec) }, uniquingKeysWith: { a, _ in a })
        let newLimits = Dictionary(new.rateLimits.map { ($0.key, $0.spec) }, uniquingKeysWith: { a, _ in a })
        for key in Set(oldLimits.keys).union(newLimits.keys).sorted() {
            let field = "rate_limits.\(key)"
            switch (oldLimits[key], newLimits[key]) {
            case (nil, let spec?): add(unit, field, nil, describe(spec), .addition)
            case (let spec?, nil): add(unit, field, describe(spec), nil, .removal)
            case (.unlimited?, .limited(let max, let slope)?):
                add(unit, field, "unlimited", describe(.limited(maxAmount: max, slope: slope)), .reduction)
            case (.limited(let max, let slope)?, .unlimited?):
                add(unit, field, describe(.limited(maxAmount: max, slope: slope)), "unlimited", .increase)
            case (.limited(let max0, let slope0)?, .limited(let max1, let slope1)?):
                compareAmounts(unit, field + ".max", max0, max1, add)
                compareAmounts(unit, field + ".slope", slope0, slope1, add)
            default: break
            }
        }
        // Configurator: inits and parameters.
        for key in Set(old.configurator.inits.keys).union(new.configurator.inits.keys).sorted() {
            let field = "configurator.inits.\(key)"
            switch (old.configurator.inits[key], new.configurator.inits[key]) {
            case (nil, let value?): add(unit, field, nil, "max \(value.maxAmount) slope \(value.slope)", .addition)
            case (let value?, nil): add(unit, field, "max \(value.maxAmount) slope \(value.slope)", nil, .removal)
            case (let a?, let b?):
                compareAmounts(unit, field + ".max", a.maxAmount, b.maxAmount, add)
                compareAmounts(unit, field + ".slope", a.slope, b.slope, add)
            default: break
            }
        }
        if old.configurator.hop != new.configurator.hop {
            // A shorter hop lets limits grow sooner.
            add(unit, "configurator.hop", "\(old.configurator.hop)", "\(new.configurator.hop)",
                new.configurator.hop < old.configurator.hop ? .increase : .reduction)
        }
        if old.configurator.maxChange != new.configurator.maxChange {
            add(unit, "configurator.max_change", "\(old.configurator.maxChange)", "\(new.configurator.maxChange)",
                new.configurator.maxChange > old.configurator.maxChange ? .increase : .reduction)
        }
        compareSets(unit, "responses", Set(old.responses.map(\.rawValue)), Set(new.responses.map(\.rawValue)), add)
        compareSets(unit, "signals", Set(old.signals), Set(new.signals), add)
        compareSets(unit, "reporting", Set(old.reporting), Set(new.reporting), add)
        // Params: numbers compare, anything else is a change.
        let oldParams = Dictionary(old.params.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        let newParams = Dictionary(new.params.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        for key in Set(oldParams.keys).union(newParams.keys).sorted() where oldParams[key] != newParams[key] {
            let field = "params.\(key)"
            switch (oldParams[key], newParams[key]) {
            case (nil, let value?): add(unit, field, nil, value, .addition)
            case (let value?, nil): add(unit, field, value, nil, .removal)
            case (let a?, let b?):
                if let x = try? Amount(parsing: a), let y = try? Amount(parsing: b) {
                    add(unit, field, a, b, y > x ? .increase : .reduction)
                } else {
                    add(unit, field, a, b, .change)
                }
            default: break
            }
        }
        // Budgets per hook call.
        compareInts(unit, "limits.instructions", old.limits.instructions, new.limits.instructions, add)
        compareInts(unit, "limits.memory", old.limits.memoryBytes, new.limits.memoryBytes, add)
        compareInts(unit, "limits.time_ms", old.limits.wallTimeMilliseconds, new.limits.wallTimeMilliseconds, add)
        // The policy and its pin: a different program is neither more nor less.
        if normalized(old.policyFile) != normalized(new.policyFile) { add(unit, "policy.file", old.policyFile, new.policyFile, .change) }
        if old.policySHA256 != new.policySHA256 { add(unit, "policy.sha256", old.policySHA256, new.policySHA256, .change) }
        if old.templateName != new.templateName || old.templateSHA256 != new.templateSHA256 {
            add(unit, "template", "\(old.templateName) \(old.templateSHA256)", "\(new.templateName) \(new.templateSHA256)", .change)
        }
    }

    /// Two spellings of one file (`a/../b`, `./b`) are one file.
    static func normalized(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (absolute as NSString).standardizingPath
    }

    static func compareAmounts(_ unit: String, _ field: String, _ old: Amount, _ new: Amount, _ add: Adder) {
        guard old != new else { return }
        add(unit, field, "\(old)", "\(new)", new > old ? .increase : .reduction)
    }

    static func compareInts(_ unit: String, _ field: String, _ old: Int, _ new: Int, _ add: Adder) {
        guard old != new else { return }
        add(unit, field, "\(old)", "\(new)", new > old ? .increase : .reduction)
    }

    static func compareSets(_ unit: String?, _ field: String, _ old: Set<String>, _ new: Set<String>, _ add: Adder) {
        for item in new.subtracting(old).sorted() { add(unit, "\(field).\(item)", nil, item, .addition) }
        for item in old.subtracting(new).sorted() { add(unit, "\(field).\(item)", item, nil, .removal) }
    }

    static func describe(_ spec: RateLimitSpec) -> String {
        switch spec {
        case .unlimited: return "unlimited"
        case .limited(let max, let slope): return "max \(max) slope \(slope)"
        }
    }

    static func describe(_ spec: SettlementSpec) -> String {
        func time(_ t: (hour: Int, minute: Int)) -> String {
            (t.hour < 10 ? "0" : "") + "\(t.hour):" + (t.minute < 10 ? "0" : "") + "\(t.minute)"
        }
        return "lock \(time(spec.lock)) settle \(time(spec.settle)) skip \(spec.skip.map(\.rawValue).sorted().joined(separator: ","))"
    }
}
