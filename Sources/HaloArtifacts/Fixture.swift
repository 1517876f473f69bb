import HaloCore

/// How a fixture's clock behaves.
public enum FixtureClock: String, Sendable, Equatable {
    /// Only the steps act.
    case manual
    /// Lock and settlement fire on the Halo's schedule as time passes; the policy decides.
    case daily
}

/// A fixture: one self-contained scenario for one Unit and its policy.
///
/// ```swift
/// let fixture = try Fixture.load(path: "examples/passthrough-alpha/units/tbill/tests/normal-week.yaml")
/// print(fixture.name, fixture.steps.count)
/// ```
public struct Fixture: Sendable {
    /// The scenario's name.
    public var name: String
    /// The fixture file.
    public var path: String
    /// The Unit under test.
    public var unit: UnitArtifact
    /// The Halo Artifact named by the fixture, if any (resolved path).
    public var haloPath: String?
    /// The simulated start time.
    public var start: Timestamp
    /// Manual or daily clock.
    public var clock: FixtureClock
    /// Opening balances: account -> asset -> amount, in order.
    public var accounts: [(account: String, balances: [(asset: String, amount: Amount)])]
    /// The opening exchange rate, if given.
    public var rate: Rate?
    /// The opening policy state (`ctx.state`), if given, as JSON-like report values.
    public var state: [ReportField]
    /// The steps, in order.
    public var steps: [FixtureStep]

    /// Loads a fixture; `unitOverride` replaces the Unit Artifact the fixture names.
    public static func load(path: String, unitOverride: String? = nil) throws(ArtifactError) -> Fixture {
        let text = try ArtifactPath.readText(path, code: .fixtureInvalid, referencedFrom: nil)
        let root = try YAMLNode.parse(text, file: path, code: .fixtureInvalid)
        try root.allowOnly(place: "fixture")
        let name = try root.optional("name")?.string() ?? FileName(path).lastComponentWithoutExtension

        let unitPath: String
        if let unitOverride { unitPath = unitOverride }
        else { unitPath = ArtifactPath.resolve(try root.required("unit").string(), against: path) }
        let unit: UnitArtifact
        do { unit = try UnitArtifact.load(path: unitPath) }
        catch let error where error.file == unitPath && error.line == nil {
            throw (try? root.required("unit"))?.error("cannot load the Unit Artifact '\(unitPath)': \(error.message)")
                ?? error
        }
        let haloPath = try root.optional("halo").map { node throws(ArtifactError) in
            ArtifactPath.resolve(try node.string(), against: path)
        }

        let start = try root.required("start").timestamp()
        var clock = FixtureClock.daily
        if let node = try root.optional("clock") {
            let text = try node.string()
            guard let value = FixtureClock(rawValue: text) else { throw node.error("clock is 'manual' or 'daily', not '\(text)'") }
            clock = value
        }

        var accounts: [(account: String, balances: [(asset: String, amount: Amount)])] = []
        var known: Set<String> = []
        if let node = try root.optional("accounts") {
            for (account, balancesNode) in try node.entries() {
                guard !account.hasPrefix("unit:") else { throw balancesNode.error("'unit:' names are the Unit's own accounts") }
                var balances: [(asset: String, amount: Amount)] = []
                for (asset, value) in try balancesNode.entries() {
                    guard asset == unit.underlying || asset == unit.share else {
                        throw value.error("asset '\(asset)' is not an asset of Unit '\(unit.name)' (\(unit.underlying), \(unit.share))")
                    }
                    balances.append((asset, try value.amount(decimals: unit.decimals(of: asset))))
                }
                accounts.append((account, balances))
                known.insert(account)
            }
        }
        let rate = try root.optional("rate")?.rate()
        var state: [ReportField] = []
        if let node = try root.optional("state") {
            for (key, value) in try node.entries() { state.append(ReportField(name: key, value: try FixtureStep.reportValue(value))) }
        }

        let context = StepContext(unit: unit, file: path)
        var steps: [FixtureStep] = []
        let stepsNode = try root.required("steps")
        for (index, item) in try stepsNode.items().enumerated() {
            let step = try FixtureStep.parse(item, index: index, context: context)
            if case .fund(let account, _, _) = step.action { known.insert(account) }
            if let account = step.action.account, !known.contains(account) {
                throw item.error("account '\(account)' is not declared in 'accounts' (nor funded before this step)")
            }
            steps.append(step)
        }
        return Fixture(name: name, path: path, unit: unit, haloPath: haloPath, start: start, clock: clock,
                       accounts: accounts, rate: rate, state: state, steps: steps)
    }
}

extension StepAction {
    /// The account a step acts for, if any.
    public var account: String? {
        switch self {
        case .subscribe(let account, _), .redeem(let account, _), .claim(let account, _), .exit(let account, _),
             .fund(let account, _, _):
            return account
        default:
            return nil
        }
    }
}

/// The name of a file without its directory and extension.
struct FileName {
    let path: String
    init(_ path: String) { self.path = path }
    var lastComponentWithoutExtension: String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = last.lastIndex(of: "."), dot != last.startIndex { return String(last[..<dot]) }
        return last
    }
}

