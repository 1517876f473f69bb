import HaloCore

/// A value an asset manager reports each day: fixed, drifting by a daily ratio, or from a table.
public enum ManagerSeries: Sendable, Equatable {
    /// The same value every day.
    case fixed(Amount)
    /// `start`, then each day multiplied by `1 + daily` (or `1 - daily` when `falling`), rounded down.
    case drift(start: Amount, daily: Rate, falling: Bool)
    /// Day 1 reads the first entry, day 2 the second; past the end the last entry holds.
    case table([Amount])

    /// The values for days 1...`days` (index 0 is day 1), exact.
    public func values(days: Int) -> [Amount] {
        switch self {
        case .fixed(let value): return Array(repeating: value, count: days)
        case .table(let values): return (0..<days).map { values[min($0, values.count - 1)] }
        case .drift(let start, let daily, let falling):
            var result: [Amount] = []
            result.reserveCapacity(days)
            var value = start
            for _ in 0..<days {
                result.append(value)
                let step = (try? value.scaled(by: daily)) ?? .zero
                let next: Amount?
                if falling { next = try? value.subtracting(step) } else { next = try? value.adding(step) }
                value = next ?? value
            }
            return result
        }
    }
}

/// One Unit's asset manager in a scenario: the report it sends at 09:00 each day.
public struct ManagerSpec: Sendable {
    /// The Unit.
    public var unit: String
    /// The NAV per share.
    public var nav: ManagerSeries
    /// What the manager can take in per settlement (USDS).
    public var capacity: ManagerSeries?
    /// What the manager can pay out per settlement (USDS).
    public var liquidity: ManagerSeries?
    /// Further fixed report fields (`rating: AAA`, `gated: false`), as written.
    public var fields: [ReportField]
    /// The line of the entry.
    public var line: Int?
}

/// A scheduled event of a scenario.
public enum ScenarioEventKind: Sendable, Equatable {
    /// The Unit passes its onboarding checklist from this day on (before it, no Prime may subscribe).
    case onboard(unit: String)
    /// The Unit's manager stops reporting.
    case managerSilent(unit: String)
    /// The Unit's manager reports again.
    case managerResumes(unit: String)
    /// Governance sets a Prime's limit into a Unit directly (aBEAM); it starts full.
    case setRateLimit(prime: String, unit: String, maxAmount: Amount, slope: Amount)
}

/// An event on day `day` (1 = the start date), applied at 00:00 of that day.
public struct ScenarioEvent: Sendable, Equatable {
    /// The day, 1-based.
    public var day: Int
    /// What happens.
    public var kind: ScenarioEventKind
    /// The line of the event.
    public var line: Int?
}

/// What a Prime fixture expects of one Prime at the end of one day.
public struct PrimeExpectation: Sendable, Equatable {
    /// The day, 1-based.
    public var day: Int
    /// The Prime.
    public var prime: String
    /// Subscriptions accepted that day, USDS by Unit (Units not listed: none).
    public var subscribed: [String: Amount]?
    /// Refused orders that day as `unit: code` pairs, in order (nil: not checked).
    public var refused: [String]?
    /// Positions at the end of the day: Unit -> field (`shares`, `pending`, `value`) -> amount.
    public var positions: [String: [String: Amount]]
    /// Liquid USDS at the end of the day.
    public var usds: Amount?
    /// `POLICY_FAILURE` raised (or not) that day.
    public var policyFailure: Bool?
    /// The line of the entry.
    public var line: Int?
}

/// A simulation scenario: Halos, Primes, managers' behaviour and scheduled events on one daily clock.
///
/// ```yaml
/// name: clo-launch
/// start: "2026-03-02T00:00:00Z"
/// days: 30
/// halos: [../passthrough-alpha/halo.yaml]
/// primes: [primes/spark.yaml]
/// managers:
///   tbill-a: { nav: { start: "1", daily: "0.00012" }, capacity: "50000000", liquidity: "50000000" }
/// events:
///   - { day: 3, onboard: clo-aaa-b }
/// ```
///
/// A Prime fixture is a scenario with `expect:` entries (checked by `halo test`).
public struct Scenario: Sendable {
    /// The scenario's name.
    public var name: String
    /// The file.
    public var path: String
    /// 00:00 UTC of day 1.
    public var start: Timestamp
    /// Days to simulate.
    public var days: Int
    /// The Halos, loaded.
    public var halos: [HaloArtifact]
    /// The Primes, loaded.
    public var primes: [PrimeArtifact]
    /// The managers, by Unit.
    public var managers: [ManagerSpec]
    /// Scheduled events, in file order.
    public var events: [ScenarioEvent]
    /// Run each Unit's fixtures as part of its onboarding checklist (default true).
    public var onboardingTests: Bool
    /// Prime fixture expectations (empty for a plain scenario).
    public var expectations: [PrimeExpectation]

    /// Loads a scenario and every artifact it names.
    public static func load(path: String) throws(ArtifactError) -> Scenario {
        let text = try ArtifactPath.readText(path, code: .artifactInvalid, referencedFrom: nil)
        let root = try YAMLNode.parse(text, file: path, code: .artifactInvalid)
        try root.allowOnly(["name", "description", "start", "days", "halos", "primes", "managers", "events",
                            "onboarding_tests", "expect"])
        let name = try root.optional("name")?.string() ?? FileName(path).lastComponentWithoutExtension
        let start = try root.required("start").timestamp()
        var days = 30
        if let node = try root.optional("days") {
            days = try node.int()
            guard (1...36_500).contains(days) else { throw node.error("days must be between 1 and 36500") }
        }

        var halos: [HaloArtifact] = []
        var units: [String: UnitArtifact] = [:]
        for item in try root.required("halos").items() {
            let file = ArtifactPath.resolve(try item.string(), against: path)
            _ = try ArtifactPath.readText(file, code: .artifactInvalid, referencedFrom: item)
            let halo = try HaloArtifact.load(path: file)
            for unit in halo.units {
                guard units[unit.name] == nil else { throw item.error("unit '\(unit.name)' appears in two Halos") }
                units[unit.name] = unit
            }
            halos.append(halo)
        }
        var primes: [PrimeArtifact] = []
        for item in try root.required("primes").items() {
            let file = ArtifactPath.resolve(try item.string(), against: path)
            _ = try ArtifactPath.readText(file, code: .artifactInvalid, referencedFrom: item)
            let prime = try PrimeArtifact.load(path: file)
            guard !primes.contains(where: { $0.name == prime.name }) else { throw item.error("prime '\(prime.name)' is listed twice") }
            for limit in prime.unitLimits where units[limit.unit] == nil {
                throw ArtifactError(.artifactInvalid, file: file, line: prime.lines["rate_limits"], field: "rate_limits.\(limit.unit)",
                                    "no Unit '\(limit.unit)' in the scenario's Halos")
            }
            primes.append(prime)
        }

        func knownUnit(_ node: YAMLNode) throws(ArtifactError) -> String {
            let unit = try node.name()
            guard units[unit] != nil else {
                throw node.error("no Unit '\(unit)' in the scenario's Halos (known: \(units.keys.sorted().joined(separator: ", ")))")
            }
            return unit
        }
        func knownPrime(_ node: YAMLNode) throws(ArtifactError) -> String {
            let prime = try node.name()
            guard primes.contains(where: { $0.name == prime }) else { throw node.error("no Prime '\(prime)' in the scenario") }
            return prime
        }

        var managers: [ManagerSpec] = []
        if let node = try root.optional("managers") {
            for (unitName, value) in try node.entries() {
                guard units[unitName] != nil else { throw value.error("no Unit '\(unitName)' in the scenario's Halos") }
                try value.allowOnly(["nav", "capacity", "liquidity", "fields"])
                var fields: [ReportField] = []
                if let extra = try value.optional("fields") {
                    for (key, field) in try extra.entries() { fields.append(ReportField(name: key, value: try reportValue(field))) }
                }
                managers.append(ManagerSpec(unit: unitName, nav: try series(value.required("nav")),
                                            capacity: try value.optional("capacity").map(series),
                                            liquidity: try value.optional("liquidity").map(series),
                                            fields: fields, line: value.line))
            }
        }

        var events: [ScenarioEvent] = []
        if let node = try root.optional("events") {
            for item in try node.items() {
                try item.allowOnly(["day", "onboard", "manager_silent", "manager_resumes", "governance", "note"])
                let dayNode = try item.required("day")
                let day = try dayNode.int()
                guard day >= 1 else { throw dayNode.error("days are numbered from 1 (the start date)") }
                var kinds: [ScenarioEventKind] = []
                if let unit = try item.optional("onboard") { kinds.append(.onboard(unit: try knownUnit(unit))) }
                if let unit = try item.optional("manager_silent") { kinds.append(.managerSilent(unit: try knownUnit(unit))) }
                if let unit = try item.optional("manager_resumes") { kinds.append(.managerResumes(unit: try knownUnit(unit))) }
                if let governance = try item.optional("governance") {
                    try governance.allowOnly(["prime", "unit", "set_rate_limit"])
                    let limit = try governance.required("set_rate_limit")
                    try limit.allowOnly(["max", "slope"])
                    kinds.append(.setRateLimit(prime: try knownPrime(governance.required("prime")),
                                               unit: try knownUnit(governance.required("unit")),
                                               maxAmount: try limit.required("max").amount(),
                                               slope: try limit.required("slope").amount()))
                }
                guard kinds.count == 1 else {
                    throw item.error("an event has exactly one of onboard, manager_silent, manager_resumes, governance")
                }
                events.append(ScenarioEvent(day: day, kind: kinds[0], line: item.line))
            }
        }

        var expectations: [PrimeExpectation] = []
        if let node = try root.optional("expect") {
            for item in try node.items() {
                try item.allowOnly(["day", "prime", "subscribed", "refused", "positions", "usds", "policy_failure"])
                var expectation = PrimeExpectation(day: try item.required("day").int(), prime: try knownPrime(item.required("prime")),
                                                   subscribed: nil, refused: nil, positions: [:], usds: nil, policyFailure: nil,
                                                   line: item.line)
                if let subscribed = try item.optional("subscribed") {
                    var amounts: [String: Amount] = [:]
                    for (unit, value) in try subscribed.entries() { amounts[unit] = try value.amount() }
                    expectation.subscribed = amounts
                }
                if let refused = try item.optional("refused") {
                    var pairs: [String] = []
                    for entry in try refused.items() {
                        try entry.allowOnly(["unit", "code"])
                        pairs.append("\(try entry.required("unit").name()): \(try entry.required("code").name())")
                    }
                    expectation.refused = pairs
                }
                if let positions = try item.optional("positions") {
                    for (unit, value) in try positions.entries() {
                        try value.allowOnly(["shares", "pending", "value"])
                        var fields: [String: Amount] = [:]
                        for (key, amount) in try value.entries() { fields[key] = try amount.amount() }
                        expectation.positions[unit] = fields
                    }
                }
                expectation.usds = try item.optional("usds")?.amount()
                expectation.policyFailure = try item.optional("policy_failure")?.bool()
                expectations.append(expectation)
            }
        }

        return Scenario(name: name, path: path, start: start, days: days, halos: halos, primes: primes, managers: managers,
                        events: events, onboardingTests: try root.optional("onboarding_tests")?.bool() ?? true,
                        expectations: expectations)
    }

    /// `"1"` (fixed), `{ start, daily }` (drift; `daily: "-0.001"` falls), `{ table: [...] }` or a list (table).
    static func series(_ node: YAMLNode) throws(ArtifactError) -> ManagerSeries {
        if node.isScalar { return .fixed(try node.amount()) }
        if node.isSequence { return try table(node) }
        try node.allowOnly(["start", "daily", "table"])
        if let values = try node.optional("table") { return try table(values) }
        let start = try node.required("start").amount()
        let dailyNode = try node.required("daily")
        var text = try dailyNode.string()
        let falling = text.hasPrefix("-")
        if falling || text.hasPrefix("+") { text.removeFirst() }
        guard let daily = try? Rate(parsing: text) else { throw dailyNode.error("'\(text)' is not an exact daily ratio (e.g. \"0.00012\" or \"-0.001\")") }
        return .drift(start: start, daily: daily, falling: falling)
    }

    static func table(_ node: YAMLNode) throws(ArtifactError) -> ManagerSeries {
        var values: [Amount] = []
        for item in try node.items() { values.append(try item.amount()) }
        guard !values.isEmpty else { throw node.error("a table has at least one value") }
        return .table(values)
    }

    static func reportValue(_ node: YAMLNode) throws(ArtifactError) -> ReportValue {
        let text = try node.string()
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let amount = try? Amount(parsing: text) { return .amount(amount) }
        return .text(text)
    }
}
