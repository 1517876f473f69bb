import ArgumentParser
import Foundation
import HaloArtifacts
import HaloSentinel

/// Prints `halo test --coverage` and writes its lcov file.
enum CoverageOutput {
    static func report(_ runs: [(unit: UnitArtifact, result: DryRunResult)], lcov: String?, quiet: Bool) throws {
        var units: [UnitArtifact] = []
        for run in runs where !units.contains(where: { $0.name == run.unit.name && $0.path == run.unit.path }) { units.append(run.unit) }
        let report = CoverageReport.build(units: units, results: runs.map(\.result), lines: CoverageCollector.shared.snapshot())
        if !quiet {
            print(Output.bold("coverage"))
            for line in report.table() { print(line) }
            print("")
        }
        if let lcov {
            do { try report.lcov().write(toFile: lcov, atomically: true, encoding: .utf8) } catch {
                Output.error("--lcov: cannot write \(lcov): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            if !quiet { print("lcov written to \(lcov)") }
        }
    }
}
