import ArgumentParser
import Foundation
import HaloArtifacts
import HaloReports
import HaloSentinel

/// `halo dry-run FIXTURE...`: run fixtures against a Unit and its policy on a simulated clock.
struct DryRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dry-run",
        abstract: "Run fixtures against a Unit and its policy on a simulated clock; touches nothing real.",
        discussion: """
        Exit codes: 0 pass, 1 an expectation or step failed, 2 invalid input, 3 policy/sandbox failure.
        With several fixtures and --json, the output is a JSON array of results.
        """
    )

    @Argument(help: "Fixture files (YAML).")
    var fixtures: [String]

    @Option(name: .long, help: "Unit Artifact to use instead of the one each fixture names.")
    var unit: String?

    @Flag(name: .long, help: "Print the contract's JSON document only.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Show each hook's inputs (ctx), indented: --trace for every hook, --trace=settle,signals for some.",
                                             valueName: "hooks"))
    var trace: String?

    @Flag(name: .long, help: "Write the observed values into the fixtures' expect steps and print the diff (refused when CI is set).")
    var update = false

    @Option(name: .long, help: "Also write a self-contained HTML report (steps, decisions, signals, actions, charts) to FILE.")
    var html: String?

    func run() throws {
        if update { try UpdateSupport.refuseInCI() }
        if let unknown = TraceOption.hooks(trace)?.subtracting(TraceOption.known), !unknown.isEmpty {
            Output.error("--trace: unknown hook \(unknown.sorted().joined(separator: ", ")) (hooks: \(TraceOption.known.sorted().joined(separator: ", ")))")
            throw ExitCode(2)
        }
        var exit: Int32 = 0
        var documents: [JSONValue] = []
        var reportRuns: [ReportRun] = []
        for path in fixtures {
            do throws(ArtifactError) {
                let fixture = try Fixture.load(path: path, unitOverride: unit)
                var result = try FixtureRunner.run(fixture, trace: trace != nil, states: html != nil)
                if update { result = try UpdateSupport.apply(fixture, result, unitOverride: unit) { json ? Output.error($0) : print($0) } }
                if html != nil { reportRuns.append(ReportBuilder.run(result)) }
                exit = max(exit, result.exitCode)
                if json { documents.append(result.json()) } else { print(DryRunFormatter.text(result, trace: trace != nil, hooks: TraceOption.hooks(trace))) }
            } catch {
                exit = max(exit, 2)
                Output.error(error.description)
                if json { documents.append(.object([("fixture", .string(path)), ("error", .object([
                    ("code", .string(error.code.rawValue)), ("message", .string(error.locatedMessage))]))])) }
            }
        }
        if json { print((documents.count == 1 ? documents[0] : .array(documents)).serialized()) }
        if let html {
            let passed = reportRuns.filter { $0.passed == true }.count
            try ReportBuilder.write(ReportDocument(title: "halo dry-run", subtitle: "\(reportRuns.count) fixture(s): \(passed) passed, \(reportRuns.count - passed) failed",
                                                   runs: reportRuns), to: html)
        }
        if exit != 0 { throw ExitCode(exit) }
    }
}

/// Human text of a dry-run.
enum DryRunFormatter {
    static func text(_ result: DryRunResult, trace: Bool, hooks: Set<String>? = nil) -> String {
        var lines: [String] = []
        lines.append(Output.bold("fixture ") + "\(result.name) (\(result.fixture))")
        lines.append(Output.bold("unit    ") + "\(result.unit)  policy \(result.policyFile) sha256 \(result.policySHA256.map { String($0.prefix(12)) + "…" } ?? "-")")
        if let failure = result.loadFailure {
            lines.append(Output.red("policy failed to load: \(failure)"))
        }
        lines.append(Output.bold("steps"))
        for step in result.steps {
            let status: String
            if let error = step.error { status = Output.red("FAIL \(error.code): \(error.message)") }
            else if let expected = step.expectedError { status = Output.green("ok") + " (failed with \(expected) as expected)" }
            else { status = Output.green("ok") }
            lines.append("  " + Output.pad("\(step.index)", 3) + Output.pad(step.time.iso8601, 22) + Output.pad(step.action, 11)
                         + status + "  (line \(step.line))")
        }
        if !result.decisions.isEmpty {
            lines.append(Output.bold("decisions"))
            for decision in result.decisions {
                var line = "  \(decision.time.iso8601)  " + Output.pad(decision.hook, 9) + decision.result.serialized()
                if let failure = decision.failure { line += "  " + Output.red("[\(failure)]") }
                lines.append(line)
                if trace, let inputs = decision.inputs, hooks?.contains(decision.hook) ?? true {
                    lines.append("      ctx")
                    for line in inputs.pretty().split(separator: "\n") { lines.append("        " + line) }
                }
            }
        }
        if !result.signals.isEmpty {
            lines.append(Output.bold("signals"))
            for signal in result.signals {
                lines.append("  \(signal.time.iso8601)  " + Output.pad(signal.severity.rawValue, 9) + Output.pad(signal.code, 20) + signal.message)
            }
        }
        if !result.actions.isEmpty {
            lines.append(Output.bold("actions"))
            for action in result.actions {
                let applied = action.applied ? Output.green("applied") : Output.yellow("refused" + (action.code.map { " (\($0))" } ?? ""))
                lines.append("  \(action.time.iso8601)  " + Output.pad(action.action, 21) + applied + "  " + action.reason)
            }
        }
        if trace, !result.printed.isEmpty {
            lines.append(Output.bold("policy output"))
            for line in result.printed { lines.append("  " + line) }
        }
        lines.append(Output.bold("final   ") + result.final.serialized())
        let failed = result.steps.filter { !$0.ok }.count
        if result.passed {
            lines.append(Output.green("PASS") + " \(result.steps.count) steps")
        } else if result.exitCode == 3 {
            // A load failure was printed above; said once.
            lines.append(Output.red("FAIL") + " policy failure (\(result.loadFailure != nil ? "the policy did not load" : "a hook failed and the fixture does not expect POLICY_FAILURE"))")
        } else {
            lines.append(Output.red("FAIL") + " \(failed) of \(result.steps.count) steps failed")
        }
        return lines.joined(separator: "\n")
    }
}
