import Foundation
import HaloArtifacts
@testable import HaloSimulation

/// Paths into the repository and a scratch directory for generated scenarios.
enum SimulationFixtures {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let stdlib = root + "/stdlib"
    static let alpha = root + "/examples/passthrough-alpha/halo.yaml"
    static let beta = root + "/examples/credit-beta/halo.yaml"

    static func scratch() -> String {
        let directory = NSTemporaryDirectory() + "halo-sim-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Writes a Prime Artifact with `policy` (Lua source) into `directory`.
    static func prime(_ name: String, policy: String, in directory: String, usds: String = "1000000000", capital: String = "100000000",
                      constraints: String = "{ encumbrance_max: \"0.9\", unit_cap: \"0.5\", class_caps: { clo: \"0.4\" } }",
                      extra: String = "", limits: String = "{ instructions: 1000000, memory: \"4MiB\", time: \"250ms\" }") -> String {
        let policyFile = "\(directory)/\(name).lua"
        try! policy.write(toFile: policyFile, atomically: true, encoding: .utf8)
        let file = "\(directory)/\(name).yaml"
        try! """
        prime: \(name)
        capital: "\(capital)"
        usds: "\(usds)"
        policy: { file: \(policyFile) }
        constraints: \(constraints)
        \(extra)
        limits: \(limits)

        """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Writes a scenario over the two example Halos (flat NAV 1) and returns its path.
    static func scenario(primes: [String], in directory: String, days: Int, events: String = "  - { day: 3, onboard: clo-aaa-b }",
                         navDaily: String? = nil, expect: String = "") -> String {
        let nav = navDaily.map { "{ start: \"1\", daily: \"\($0)\" }" } ?? "\"1\""
        let file = "\(directory)/scenario.yaml"
        try! """
        name: test
        start: "2026-03-02T00:00:00Z"
        days: \(days)
        onboarding_tests: false
        halos: [\(alpha), \(beta)]
        primes: [\(primes.joined(separator: ", "))]
        managers:
          tbill-a: { nav: \(nav), capacity: "50000000", liquidity: "50000000" }
          mmf-a: { nav: \(nav), capacity: "50000000", liquidity: "50000000" }
          clo-aaa-a: { nav: \(nav), capacity: "5000000", liquidity: "2000000" }
          clo-aaa-b: { nav: \(nav), capacity: "300000000", liquidity: "5000000" }
        events:
        \(events)
        \(expect)
        """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    static func run(_ path: String, days: Int? = nil) throws -> Simulation {
        let simulation = try Simulation(scenario: try Scenario.load(path: path), stdlib: stdlib, days: days)
        simulation.run()
        return simulation
    }
}
