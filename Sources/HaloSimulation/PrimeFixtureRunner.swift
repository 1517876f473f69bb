import Foundation
import HaloArtifacts
import HaloCore
import HaloSentinel

/// The outcome of one Prime fixture.
public struct PrimeFixtureResult: Sendable {
    /// The fixture's name.
    public var name: String
    /// The file.
    public var path: String
    /// The Primes it checks.
    public var primes: [String]
    /// One line per unmet expectation (`day 3 spark: ...`).
    public var failures: [String]
    /// True when every expectation held.
    public var passed: Bool { failures.isEmpty }
}

/// Runs Prime fixtures: a short scenario whose `expect:` entries check a Prime's orders,
/// positions and refusals at the end of given days. Found by `halo test` as `*.yaml` in a
/// `tests/` folder beside Prime Artifacts.
public enum PrimeFixtureRunner {
    /// Prime fixtures under `paths`: yaml files in a `tests/` directory whose parent holds a Prime Artifact.
    public static func discover(under paths: [String]) -> [String] {
        let fileManager = FileManager.default
        var found: Set<String> = []
        func primeDirectory(_ directory: String) -> Bool {
            guard let names = try? fileManager.contentsOfDirectory(atPath: directory) else { return false }
            return names.contains { name in
                guard name.hasSuffix(".yaml"), let text = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8) else { return false }
                return PrimeArtifact.looksLikePrime(text)
            }
        }
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if !isDirectory.boolValue {
                let parent = (path as NSString).deletingLastPathComponent
                if (parent as NSString).lastPathComponent == "tests", primeDirectory((parent as NSString).deletingLastPathComponent) {
                    found.insert(path)
                }
                continue
            }
            guard let walker = fileManager.enumerator(atPath: path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".yaml") {
                let components = relative.split(separator: "/")
                guard components.count >= 2, components[components.count - 2] == "tests" else { continue }
                let owner = ([path] + components.dropLast(2).map(String.init)).joined(separator: "/")
                guard !fileManager.fileExists(atPath: owner + "/unit.yaml"), primeDirectory(owner) else { continue }
                found.insert(path.hasSuffix("/") ? path + relative : path + "/" + relative)
            }
        }
        return found.sorted()
    }

    /// Runs the fixture at `path`. Throws when it is not a valid scenario.
    public static func run(path: String, stdlib: String?) throws(SimulationError) -> PrimeFixtureResult {
        let scenario: Scenario
        do { scenario = try Scenario.load(path: path) } catch { throw SimulationError(code: error.code.rawValue, message: error.locatedMessage) }
        let stdlib = stdlib ?? StdlibLocator.find(near: [path] + scenario.primes.map(\.policyFile))
        let simulation = try Simulation(scenario: scenario, stdlib: stdlib)
        simulation.run()
        var failures: [String] = []
        if scenario.expectations.isEmpty { failures.append("no expect: entries (a Prime fixture checks at least one day)") }
        for expectation in scenario.expectations {
            let prefix = "line \(expectation.line ?? 0): day \(expectation.day) \(expectation.prime)"
            guard expectation.day >= 1, expectation.day <= simulation.record.count,
                  let prime = simulation.record[expectation.day - 1].primes[expectation.prime]
            else { failures.append("\(prefix): no such day in the run"); continue }
            failures += check(expectation, prime, prefix: prefix)
        }
        return PrimeFixtureResult(name: scenario.name, path: path, primes: scenario.primes.map(\.name), failures: failures)
    }

    static func check(_ expectation: PrimeExpectation, _ prime: PrimeDay, prefix: String) -> [String] {
        var failures: [String] = []
        if let expected = expectation.subscribed {
            var got: [String: UInt256] = [:]
            for outcome in prime.orders where outcome.applied {
                if case .subscribe(let unit, let amount) = outcome.order { got[unit] = OrderValidator.sum(got[unit] ?? .zero, amount.units) }
            }
            for unit in Set(expected.keys).union(got.keys).sorted() {
                let want = expected[unit]?.units ?? .zero
                let have = got[unit] ?? .zero
                if want != have { failures.append("\(prefix): subscribed into \(unit) \(Amount(units: have)), expected \(Amount(units: want))") }
            }
        }
        if let expected = expectation.refused {
            let got = prime.orders.filter { !$0.applied }.map { "\($0.order.unit): \($0.code!)" }
            if got != expected { failures.append("\(prefix): refused [\(got.joined(separator: ", "))], expected [\(expected.joined(separator: ", "))]") }
        }
        for (unit, fields) in expectation.positions.sorted(by: { $0.key < $1.key }) {
            let entry = prime.units[unit] ?? PrimeUnitDay()
            for (field, want) in fields.sorted(by: { $0.key < $1.key }) {
                let have: UInt256
                switch field {
                case "shares": have = entry.shares
                case "pending": have = entry.pending
                default: have = entry.value
                }
                if have != want.units { failures.append("\(prefix): \(unit).\(field) is \(Amount(units: have)), expected \(want)") }
            }
        }
        if let usds = expectation.usds, usds.units != prime.usds {
            failures.append("\(prefix): usds is \(Amount(units: prime.usds)), expected \(usds)")
        }
        if let expected = expectation.policyFailure, expected != (prime.policyFailure != nil) {
            failures.append("\(prefix): policy_failure is \(prime.policyFailure ?? "none"), expected \(expected)")
        }
        return failures
    }
}
