import ArgumentParser
import Foundation
import HaloArtifacts
import HaloReports
import HaloSentinel

/// Turns fixture results into the HTML report's data (`--html FILE` of dry-run and test).
enum ReportBuilder {
    /// One fixture's result, with the per-step states (run with `states: true`) as the chart series.
    static func run(_ result: DryRunResult) -> ReportRun {
        var series: [ReportPoint] = []
        for step in result.steps {
            guard let state = step.state else { continue }
            series.append(point(state, time: step.time.seconds))
        }
        let failedSteps = result.steps.filter { !$0.ok }.count
        let verdict: String
        if let failure = result.loadFailure { verdict = "policy failed to load: \(failure)" }
        else if result.passed { verdict = "\(result.steps.count) steps, all as expected" }
        else if result.exitCode == 3 { verdict = "a hook failed and the fixture does not expect POLICY_FAILURE" }
        else { verdict = "\(failedSteps) of \(result.steps.count) steps failed" }
        return ReportRun(
            name: result.name, source: result.fixture, unit: result.unit, policyFile: result.policyFile,
            policySHA256: result.policySHA256, passed: result.passed, verdict: verdict,
            steps: result.steps.map { step in
                ReportStep(index: step.index, line: step.line, time: step.time.iso8601, action: step.action, ok: step.ok,
                           error: step.error?.description, expectedError: step.expectedError)
            },
            decisions: result.decisions.map { ReportDecision(time: $0.time.iso8601, hook: $0.hook, result: $0.result.serialized(),
                                                            error: $0.failure?.description) },
            signals: result.signals.map { ReportSignal(time: $0.time.iso8601, code: $0.code, severity: $0.severity.rawValue, message: $0.message) },
            actions: result.actions.map { ReportAction(time: $0.time.iso8601, action: $0.action, applied: $0.applied, reason: $0.reason, code: $0.code) },
            series: series)
    }

    /// A chart point from a Unit state (the `final` shape): exchange rate and every account's balances.
    static func point(_ state: JSONValue, time: Int64) -> ReportPoint {
        var balances: [String: String] = [:]
        if case .object(let accounts)? = state["accounts"] {
            for (account, assets) in accounts {
                guard case .object(let pairs) = assets else { continue }
                for (asset, amount) in pairs { if case .string(let text) = amount { balances["\(account) \(asset)"] = text } }
            }
        }
        var rate: String?
        if case .string(let text)? = state["exchange_rate"] { rate = text }
        return ReportPoint(time: time, exchangeRate: rate, balances: balances)
    }

    /// Writes the report; a file that cannot be written is invalid input (exit 2).
    static func write(_ document: ReportDocument, to path: String) throws {
        do {
            try HTMLReport.render(document).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            Output.error("--html: cannot write \(path): \(error.localizedDescription)")
            throw ExitCode(2)
        }
    }
}
