import HaloCore

/// The settlement schedule a Halo declares.
public struct SettlementSpec: Sendable, Equatable {
    /// Lock time of day (UTC), hour and minute.
    public var lock: (hour: Int, minute: Int)
    /// Settlement time of day (UTC).
    public var settle: (hour: Int, minute: Int)
    /// Weekdays with no cycle.
    public var skip: Set<Weekday>

    /// 13:00 lock, 16:00 settle, weekends skipped.
    public static let standard = SettlementSpec(lock: (13, 0), settle: (16, 0), skip: [.saturday, .sunday])

    /// The same schedule as HaloCore's calendar type (times validated when parsed).
    public var dailySchedule: DailySchedule {
        DailySchedule(lock: TimeOfDay(hour: lock.hour, minute: lock.minute)!,
                      settle: TimeOfDay(hour: settle.hour, minute: settle.minute)!, skip: skip)
    }

    public static func == (a: SettlementSpec, b: SettlementSpec) -> Bool {
        a.lock == b.lock && a.settle == b.settle && a.skip == b.skip
    }
}

/// A Halo Artifact: the Halo's Units, its settlement schedule and Halo-level procedures.
///
/// ```swift
/// let halo = try HaloArtifact.load(path: "examples/passthrough-alpha/halo.yaml")
/// for unit in halo.units { print(unit.name) }
/// ```
public struct HaloArtifact: Sendable {
    /// The Halo's name.
    public var name: String
    /// Bumped by every artifact edit; carried in decision logs.
    public var revision: Int
    /// The daily cycle.
    public var settlement: SettlementSpec
    /// The Units, loaded from the listed files, in order.
    public var units: [UnitArtifact]
    /// Halo-level procedure policies by name (`migration`), resolved paths.
    public var procedures: [String: String]
    /// Known factory templates: name -> file (resolved).
    public var templates: [String: String]
    /// The artifact's own path.
    public var path: String
    /// Who holds which role (``HaloRoles/implicit(units:)`` when the artifact names none).
    public var roles: HaloRoles = .implicit(units: [])
    /// The timelock of additions and increases.
    public var governance: GovernanceSpec = .standard

    /// Loads the Halo Artifact and every Unit Artifact it lists.
    public static func load(path: String) throws(ArtifactError) -> HaloArtifact {
        let text = try ArtifactPath.readText(path, code: .artifactInvalid, referencedFrom: nil)
        let root = try YAMLNode.parse(text, file: path, code: .artifactInvalid)
        try root.allowOnly(place: "halo")
        let name = try root.required("halo").name()
        let revisionNode = try root.required("revision")
        let revision = try revisionNode.int()
        guard revision >= 0 else { throw revisionNode.error("revision must not be negative") }

        var settlement = SettlementSpec.standard
        if let node = try root.optional("settlement") {
            try node.allowOnly(place: "halo.settlement")
            if let lock = try node.optional("lock") { settlement.lock = try timeOfDay(lock) }
            if let settle = try node.optional("settle") { settlement.settle = try timeOfDay(settle) }
            guard settlement.lock.hour * 60 + settlement.lock.minute < settlement.settle.hour * 60 + settlement.settle.minute else {
                throw node.error("the lock time must come before the settlement time")
            }
            if let skip = try node.optional("skip") {
                settlement.skip = []
                for item in try skip.items() {
                    let day = try item.string().lowercased()
                    guard let weekday = Weekday(rawValue: day) else {
                        throw item.error("'\(day)' is not a weekday (monday ... sunday)")
                    }
                    settlement.skip.insert(weekday)
                }
            }
        }

        var templates: [String: String] = [:]
        if let node = try root.optional("templates") {
            for (key, value) in try node.entries() { templates[key] = ArtifactPath.resolve(try value.string(), against: path) }
        }
        var procedures: [String: String] = [:]
        if let node = try root.optional("procedures") {
            for (key, value) in try node.entries() {
                let file = ArtifactPath.resolve(try value.string(), against: path)
                _ = try ArtifactPath.readText(file, code: .artifactInvalid, referencedFrom: value)
                procedures[key] = file
            }
        }

        var units: [UnitArtifact] = []
        var seen: Set<String> = []
        let unitsNode = try root.required("units")
        for item in try unitsNode.items() {
            let file = ArtifactPath.resolve(try item.string(), against: path)
            _ = try ArtifactPath.readText(file, code: .artifactInvalid, referencedFrom: item)
            let unit = try UnitArtifact.load(path: file)
            guard seen.insert(unit.name).inserted else { throw item.error("unit '\(unit.name)' is listed twice") }
            units.append(unit)
        }
        // An empty list is a Halo just made by `halo new halo`; `halo new unit` fills it.
        _ = unitsNode
        var halo = HaloArtifact(name: name, revision: revision, settlement: settlement, units: units,
                                procedures: procedures, templates: templates, path: path)
        halo.roles = try root.optional("roles").map { node throws(ArtifactError) in try HaloRoles.parse(node, units: seen) }
            ?? .implicit(units: units.map(\.name))
        if let node = try root.optional("governance") { halo.governance = try GovernanceSpec.parse(node) }
        return halo
    }

    /// The Unit named `name`.
    public func unit(named name: String) -> UnitArtifact? { units.first { $0.name == name } }

    static func timeOfDay(_ node: YAMLNode) throws(ArtifactError) -> (hour: Int, minute: Int) {
        let text = try node.string()
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { throw node.error("'\(text)' is not a time of day (HH:MM, UTC)") }
        return (hour, minute)
    }
}
