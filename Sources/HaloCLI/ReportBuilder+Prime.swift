import HaloReports
import HaloSimulation

extension ReportBuilder {
    /// A Prime fixture as a report run: its Primes, its verdict and every expectation that
    /// failed (a Prime fixture's steps are days of a scenario, not Unit steps, so there is no
    /// step table or balance chart to draw).
    static func run(_ result: PrimeFixtureResult) -> ReportRun {
        let failures = ReportTable(title: "Failed expectations", headers: ["#", "expectation"],
                                   rows: result.failures.enumerated().map { [String($0.offset + 1), $0.element] })
        return ReportRun(name: result.name, source: result.path, unit: "prime " + result.primes.joined(separator: ", "),
                         policyFile: "", policySHA256: nil, passed: result.passed,
                         verdict: result.passed ? "every expectation on the Primes' orders, positions and refusals holds"
                                                : "\(result.failures.count) expectation(s) failed",
                         steps: [], decisions: [], signals: [], actions: [], series: [],
                         tables: result.failures.isEmpty ? nil : [failures])
    }
}
