import ArgumentParser
import Foundation
import HaloArtifacts
import HaloSentinel
import HaloSimulation

/// `halo simulate SCENARIO`: Primes and Halos on one daily clock.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run Primes (allocation policies) and Halos (Unit Sentinels) on one daily clock: inflows, refusals, backlogs.",
        discussion: """
        SCENARIO names the Halos, the Primes, the start date, the managers' daily reports and scheduled events
        (docs/simulate.md). Prints a summary with the Day-1/7/30 inflow into each newly onboarded Unit.
        Exit codes: 0 ok, 2 invalid input, 3 fatal (a Prime policy that cannot load).
        """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .long, help: "Days to simulate (default: the scenario's `days`).")
    var days: Int?

    @Flag(name: .long, help: "Print one JSON document (every day, Unit and Prime) instead of the summary.")
    var json = false

    @Option(name: .long, help: "Write units.csv, primes.csv, refusals.csv and launch.csv into this directory.")
    var csv: String?

    @Option(name: .long, help: "Write the inflow and backlog chart as SVG.")
    var svg: String?

    @Option(name: .long, help: "Write a self-contained HTML page with the chart and the tables.")
    var html: String?

    @Flag(name: .long, help: "Skip each Unit's fixtures in its onboarding checklist (faster).")
    var noTests = false

    func run() throws {
        if let days, days < 1 {
            Output.error("--days must be at least 1")
            throw ExitCode(2)
        }
        let loaded: Scenario
        do { loaded = try Scenario.load(path: scenario) } catch {
            Output.error(error.description)
            throw ExitCode(2)
        }
        let stdlib = StdlibLocator.find(near: [scenario] + loaded.primes.map(\.policyFile))
        let simulation: Simulation
        do {
            simulation = try Simulation(scenario: loaded, stdlib: stdlib, days: days, onboardingTests: noTests ? false : nil)
        } catch {
            Output.error(error.description)
            throw ExitCode(error.code == "artifact-invalid" ? 2 : 3)
        }
        // A progress line once the run has taken more than a second (stderr, terminal only).
        let clock = ContinuousClock()
        let started = clock.now
        simulation.run { day, total in
            if started.duration(to: clock.now) > .seconds(1) { Output.progress("simulating day \(day)/\(total)…") }
        }
        Output.clearProgress()

        do {
            if let csv {
                try FileManager.default.createDirectory(atPath: csv, withIntermediateDirectories: true)
                for file in SimulationReport.csv(simulation) {
                    try file.text.write(toFile: csv + "/" + file.name, atomically: true, encoding: .utf8)
                }
            }
            if let svg { try SimulationChart.svg(simulation).write(toFile: svg, atomically: true, encoding: .utf8) }
            if let html { try SimulationChart.html(simulation).write(toFile: html, atomically: true, encoding: .utf8) }
        } catch {
            Output.error("cannot write output: \(error.localizedDescription)")
            throw ExitCode(2)
        }
        if json {
            print(SimulationReport.json(simulation).pretty())
        } else {
            print(SimulationReport.text(simulation))
            for path in [csv, svg, html].compactMap({ $0 }) { print("wrote \(path)") }
        }
    }
}
