import ArgumentParser
import Foundation
import HaloArtifacts
import HaloReports
import HaloSentinel
import HaloSimulation

/// `halo test [PATH...]`: every fixture under each Unit's `tests/`, as tests.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Find fixtures (<unit dir>/tests/*.yaml) and run each as a test; the last line is 'N passed, N failed'.",
        discussion: "Exit codes: 0 all pass, 1 any fail, 2 invalid input."
    )

    @Argument(help: "Directories or fixture files (default: the current directory).")
    var paths: [String] = []

    @Option(name: .customLong("run"), help: "Only run fixtures whose name or path matches this regular expression.")
    var pattern: String?

    @Flag(name: .short, help: "Verbose: print every step of every fixture.")
    var verbose = false

    @Flag(name: .long, help: "Print one JSON document instead of text.")
    var json = false

    @Flag(name: .long, help: "Write the observed values into each fixture's expect steps and print the diff (refused when CI is set).")
    var update = false

    @Flag(name: .long, help: "Report policy line coverage and the signals, responses and params no fixture exercises.")
    var coverage = false

    @Option(name: .long, help: "With --coverage: also write an lcov tracefile here.")
    var lcov: String?

    @Option(name: .long, help: "Also write a self-contained HTML report of every fixture (steps, decisions, signals, actions, charts) to FILE.")
    var html: String?

    func run() throws {
        if update { try UpdateSupport.refuseInCI() }
        if coverage || lcov != nil { CoverageCollector.shared.start() }
        var covered: [(unit: UnitArtifact, result: DryRunResult)] = []
        let filter: NSRegularExpression?
        if let pattern {
            do { filter = try NSRegularExpression(pattern: pattern) } catch {
                Output.error("--run: '\(pattern)' is not a valid regular expression")
                throw ExitCode(2)
            }
        } else {
            filter = nil
        }
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            Output.error("\(path): no such file or directory")
            throw ExitCode(2)
        }
        let files = TestDiscovery.fixtures(under: paths.isEmpty ? ["."] : paths)
        var passed = 0, failed = 0, invalid = 0
        var documents: [JSONValue] = []
        var reportRuns: [ReportRun] = []
        for (index, path) in files.enumerated() {
            Output.progress("[\(index + 1)/\(files.count)] \(path)")
            // An invalid fixture (or artifact it names) counts as a failed test and makes the exit 2.
            func invalidInput(_ error: ArtifactError) {
                Output.clearProgress()
                invalid += 1
                failed += 1
                if json { documents.append(.object([("fixture", .string(path)), ("passed", .bool(false)), ("error", .string(error.description))])) }
                else { print(Output.red("FAIL") + " \(path)\n    \(error.description)") }
            }
            do throws(ArtifactError) {
                let fixture = try Fixture.load(path: path)
                if let filter, !matches(filter, fixture.name) && !matches(filter, path) { continue }
                var result = try FixtureRunner.run(fixture, states: html != nil)
                Output.clearProgress()
                if update { result = try UpdateSupport.apply(fixture, result) { json ? Output.error($0) : print($0) } }
                if html != nil { reportRuns.append(ReportBuilder.run(result)) }
                covered.append((fixture.unit, result))
                if result.passed { passed += 1 } else { failed += 1 }
                if json {
                    documents.append(.object([("fixture", .string(path)), ("name", .string(result.name)), ("unit", .string(result.unit)),
                                              ("passed", .bool(result.passed)), ("exit_code", .int(Int64(result.exitCode))),
                                              ("failures", .array(failures(result).map { .string($0) }))]))
                } else if verbose {
                    print(DryRunFormatter.text(result, trace: false))
                } else {
                    print((result.passed ? Output.green("PASS") : Output.red("FAIL")) + " \(result.unit) \(result.name)  (\(path))")
                    for line in failures(result) { print("    " + line) }
                }
            } catch {
                invalidInput(error)
            }
        }
        // Prime fixtures: short scenarios with `expect` on a Prime's orders, positions and refusals.
        let primeFixtures = PrimeFixtureRunner.discover(under: paths.isEmpty ? ["."] : paths)
        for path in primeFixtures {
            if let filter, !matches(filter, path) { continue }
            Output.progress("prime fixture \(path)")
            do {
                let result = try PrimeFixtureRunner.run(path: path, stdlib: nil)
                Output.clearProgress()
                if result.passed { passed += 1 } else { failed += 1 }
                if html != nil { reportRuns.append(ReportBuilder.run(result)) }
                if json {
                    documents.append(.object([("fixture", .string(path)), ("name", .string(result.name)), ("primes", .array(result.primes.map { .string($0) })),
                                              ("passed", .bool(result.passed)), ("failures", .array(result.failures.map { .string($0) }))]))
                } else {
                    print((result.passed ? Output.green("PASS") : Output.red("FAIL")) + " \(result.primes.count == 1 ? "prime" : "primes") \(result.primes.joined(separator: ", ")) \(result.name)  (\(path))")
                    for line in result.failures { print("    " + line) }
                }
            } catch {
                Output.clearProgress()
                invalid += 1
                failed += 1
                if json { documents.append(.object([("fixture", .string(path)), ("passed", .bool(false)), ("error", .string(error.description))])) }
                else { print(Output.red("FAIL") + " \(path)\n    \(error.description)") }
            }
        }
        Output.clearProgress()
        if coverage || lcov != nil { try CoverageOutput.report(covered, lcov: lcov, quiet: json) }
        if let html {
            try ReportBuilder.write(ReportDocument(title: "halo test", subtitle: "\(files.count) fixture(s): \(passed) passed, \(failed) failed",
                                                   runs: reportRuns), to: html)
        }
        if json {
            print(JSONValue.object([("fixtures", .array(documents)), ("passed", .int(Int64(passed))), ("failed", .int(Int64(failed)))]).pretty())
        } else {
            if files.isEmpty && primeFixtures.isEmpty { print("no fixtures found (looked for <unit dir>/tests/*.yaml beside a unit.yaml)") }
            print("\(passed) passed, \(failed) failed")
        }
        if invalid > 0 { throw ExitCode(2) }
        if failed > 0 { throw ExitCode(1) }
    }

    func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    func failures(_ result: DryRunResult) -> [String] {
        var lines: [String] = []
        if let failure = result.loadFailure { lines.append("policy failed to load: \(failure)") }
        for step in result.steps where !step.ok {
            lines.append("step \(step.index) (\(step.action), line \(step.line)): \(step.error?.description ?? "failed")")
        }
        if result.unexpectedPolicyFailures > 0 {
            for decision in result.decisions {
                if let failure = decision.failure { lines.append("\(decision.hook) at \(decision.time.iso8601): \(failure)") }
            }
        }
        return lines
    }
}
