import Foundation
import HaloArtifacts
import HaloCore
import HaloSentinel

/// `halo check` for a Prime Artifact: the artifact is valid, its policy loads in the sandbox
/// under its budgets (pin verified), `allocate` is present, and one call on an empty universe
/// returns a well-formed order list.
public struct PrimeCheckReport: Sendable {
    /// The file checked.
    public var path: String
    /// The Prime's name, when the artifact parsed.
    public var prime: String?
    /// (title, ok, detail, code) per checklist item.
    public var items: [(title: String, ok: Bool, detail: String, code: String?)] = []

    /// True when every item holds.
    public var ok: Bool { items.allSatisfy(\.ok) }

    /// Human text, in the style of a Unit's checklist.
    public func text() -> String {
        var lines = [(prime?.hasPrefix("scenario ") == true ? "" : "prime ") + "\(prime ?? "?") (\(path))"]
        for item in items { lines.append((item.ok ? "  [x] " : "  [ ] ") + item.title + ": " + item.detail + (item.code.map { " (\($0))" } ?? "")) }
        lines.append("\(path): \(ok ? "ok" : "invalid")")
        return lines.joined(separator: "\n")
    }

    /// The `--json` form.
    public func json() -> JSONValue {
        .object([("path", .string(path)), ("kind", .string("prime")), ("prime", prime.map { .string($0) } ?? .null), ("ok", .bool(ok)),
                 ("checklist", .array(items.map { item in
                     .object([("title", .string(item.title)), ("ok", .bool(item.ok)), ("detail", .string(item.detail)),
                              ("code", item.code.map { .string($0) } ?? .null)])
                 }))])
    }
}

/// Checks Prime Artifacts for `halo check`.
public enum PrimeChecker {
    /// True when `path` is a YAML file with a top-level `prime:` key (a Prime Artifact) or
    /// top-level `halos:` and `primes:` keys (a simulation scenario).
    public static func handles(_ path: String) -> Bool {
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml"), let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return PrimeArtifact.looksLikePrime(text) || isScenario(text)
    }

    static func isScenario(_ text: String) -> Bool {
        let lines = text.split(separator: "\n")
        return lines.contains { $0.hasPrefix("halos:") } && lines.contains { $0.hasPrefix("primes:") }
    }

    /// The checklist of the Prime Artifact at `path` (or, for a scenario, that it and every
    /// artifact it names load).
    public static func check(path: String, stdlib explicitStdlib: String? = nil) -> PrimeCheckReport {
        var report = PrimeCheckReport(path: path)
        if let text = try? String(contentsOfFile: path, encoding: .utf8), isScenario(text), !PrimeArtifact.looksLikePrime(text) {
            do {
                let scenario = try Scenario.load(path: path)
                report.prime = "scenario \(scenario.name)"
                report.items.append(("scenario valid", true, "\(scenario.days) days, \(scenario.halos.count) Halos (\(scenario.halos.map(\.units.count).reduce(0, +)) Units), \(scenario.primes.count) Primes, \(scenario.events.count) events", nil))
            } catch {
                report.items.append(("scenario valid", false, error.locatedMessage, error.code.rawValue))
            }
            return report
        }
        let artifact: PrimeArtifact
        do { artifact = try PrimeArtifact.load(path: path) } catch {
            report.items.append(("artifact valid", false, error.locatedMessage, error.code.rawValue))
            return report
        }
        report.prime = artifact.name
        let constraints = artifact.constraints
        let caps = constraints.classCaps.keys.sorted().map { "\($0) \(constraints.classCaps[$0]!)" }.joined(separator: ", ")
        report.items.append(("artifact valid", true, "capital \(artifact.capital), usds \(artifact.usds); encumbrance_max \(constraints.encumbranceMax), unit_cap \(constraints.unitCap)" + (caps.isEmpty ? "" : ", class caps \(caps)"), nil))
        report.items.append(("params declared", true, artifact.params.isEmpty ? "none" : artifact.params.map { "\($0.key)=\($0.value)" }.joined(separator: ", "), nil))
        let limits = artifact.limits
        report.items.append(("budgets", true, "\(limits.instructions) instructions, \(limits.memoryBytes / 1024) KiB, \(limits.wallTimeMilliseconds) ms per allocate call", nil))
        let stdlib = explicitStdlib ?? StdlibLocator.find(near: [path, artifact.policyFile])
        let runtime: PrimeRuntime
        do { runtime = try PrimeRuntime(artifact: artifact, stdlib: stdlib) } catch {
            report.items.append(("policy loads with an allocate hook", false, error.message, error.code))
            return report
        }
        let pin = artifact.policySHA256 == nil ? "not pinned" : "pin verified"
        report.items.append(("policy loads with an allocate hook", true, "\(artifact.policyFile) sha256 \(runtime.policy.sha256.prefix(12))… (\(pin))", nil))
        let now = Timestamp(seconds: 1_772_409_600)
        let view = runtime.view(units: [], at: now)
        let context = PrimeContextBuilder.context(prime: runtime, view: view, positions: [], units: [], base: [], day: 1, at: now,
                                                  types: runtime.policy.userdataTypes)
        do {
            let (results, _) = try runtime.policy.call("allocate", encodedContext: context, state: runtime.state, clock: now)
            let orders = try OrderValidator.orders(results) { _ in 18 }
            report.items.append(("allocate runs on an empty universe", true, "\(orders.count) orders", nil))
        } catch {
            report.items.append(("allocate runs on an empty universe", false, error.locatedMessage, error.code))
        }
        return report
    }
}
