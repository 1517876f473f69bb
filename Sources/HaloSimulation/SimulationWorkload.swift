import Foundation
import HaloArtifacts
import HaloCore

/// `halo bench`'s simulation workload: a generated scenario of `primes` Primes and two Halos
/// of `units / 2` Units each (T-bill, money-market and CLO Units cloned from the shipped
/// example, with their real policies), run for `days` days. Half the Primes seek yield, a
/// quarter weigh equally, a quarter hold T-bills; one Unit per Halo onboards on day 3.
public struct SimulationWorkload {
    /// The repository root (examples/, policies/, stdlib/).
    public var root: String
    public var primes = 50
    public var units = 100
    public var days = 365

    /// Creates the workload.
    public init(root: String, primes: Int = 50, units: Int = 100, days: Int = 365) {
        // The generated files live elsewhere: every path they name is absolute.
        self.root = root.hasPrefix("/") ? root : ArtifactPath.normalize(FileManager.default.currentDirectoryPath + "/" + root)
        self.primes = primes
        self.units = units
        self.days = days
    }

    /// Writes the scenario under `directory` and returns its path.
    public func write(to directory: String) throws -> String {
        let fileManager = FileManager.default
        let example = root + "/examples/passthrough-alpha"
        let kinds = ["tbill", "mmf", "clo-aaa"]
        var unitNames: [[String]] = [[], []]
        var managers = ""
        for haloIndex in 0..<2 {
            let haloDirectory = "\(directory)/halo-\(haloIndex)"
            var listed: [String] = []
            for index in 0..<(units / 2) {
                let kind = kinds[index % kinds.count]
                let source = "\(example)/units/\(kind)/unit.yaml"
                var text = try String(contentsOfFile: source, encoding: .utf8)
                let name = "\(kind)-h\(haloIndex)-\(index)"
                text = Self.absolutize(text, against: source)
                text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                    if line.hasPrefix("unit: ") { return "unit: \(name)" }
                    if line.hasPrefix("assets: ") { return "assets: { underlying: USDS, share: \(name.uppercased()) }" }
                    return String(line)
                }.joined(separator: "\n")
                let unitDirectory = "\(haloDirectory)/units/\(name)"
                try fileManager.createDirectory(atPath: unitDirectory, withIntermediateDirectories: true)
                try text.write(toFile: unitDirectory + "/unit.yaml", atomically: true, encoding: .utf8)
                listed.append("units/\(name)/unit.yaml")
                unitNames[haloIndex].append(name)
                let daily = kind == "clo-aaa" ? "0.00018" : kind == "mmf" ? "0.0001" : "0.00012"
                managers += "  \(name): { nav: { start: \"1\", daily: \"\(daily)\" }, capacity: \"50000000\", liquidity: \"20000000\" }\n"
            }
            let halo = """
            halo: bench-halo-\(haloIndex)
            revision: 1
            settlement: { lock: "13:00", settle: "16:00", skip: [saturday, sunday] }
            units: [\(listed.joined(separator: ", "))]
            templates: { lcts-unit: \(example)/templates/lcts-unit.txt }
            procedures: { migration: \(root)/policies/halo-migration.lua }

            """
            try halo.write(toFile: haloDirectory + "/halo.yaml", atomically: true, encoding: .utf8)
        }
        var primeFiles: [String] = []
        let strategies = ["yield-seeker", "yield-seeker", "equal-weight", "tbill-only"]
        for index in 0..<primes {
            let strategy = strategies[index % strategies.count]
            let prime = """
            prime: prime-\(index)
            capital: "\(100_000_000 + index * 5_000_000)"
            usds: "\(1_000_000_000 + index * 20_000_000)"
            policy: { file: \(root)/policies/primes/\(strategy).lua }
            params: { min_yield: "0.03", max_unit_share: "0.1", tbill_share: "0.8" }
            constraints: { encumbrance_max: "0.9", unit_cap: "0.1", class_caps: { clo: "0.3", mmf: "0.5", tbill: "1" } }

            """
            let file = "\(directory)/primes/prime-\(index).yaml"
            try fileManager.createDirectory(atPath: directory + "/primes", withIntermediateDirectories: true)
            try prime.write(toFile: file, atomically: true, encoding: .utf8)
            primeFiles.append("primes/prime-\(index).yaml")
        }
        let scenario = """
        name: bench-\(primes)-primes-\(units)-units
        start: "2026-03-02T00:00:00Z"
        days: \(days)
        onboarding_tests: false
        halos: [halo-0/halo.yaml, halo-1/halo.yaml]
        primes: [\(primeFiles.joined(separator: ", "))]
        managers:
        \(managers)events:
          - { day: 3, onboard: \(unitNames[0].last!) }
          - { day: 3, onboard: \(unitNames[1].last!) }

        """
        let path = directory + "/scenario.yaml"
        try scenario.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Rewrites every `file: relative` in a Unit Artifact's text as an absolute path.
    static func absolutize(_ text: String, against source: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "file: ") {
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let end = rest.firstIndex { $0 == "," || $0 == "}" || $0 == " " || $0 == "\n" } ?? rest.endIndex
            result += ArtifactPath.resolve(String(rest[..<end]), against: source)
            rest = rest[end...]
        }
        return result + rest
    }

    /// Generates, loads and runs the scenario; returns simulated days per second of the run
    /// (loading and onboarding checks excluded), its wall-clock seconds, the CPU seconds the
    /// process spent meanwhile (all threads, user and system: on a shared host the wall figure
    /// moves with the neighbours, the CPU figure much less), the threads a day used and the policy
    /// calls it made.
    public func run() throws -> (daysPerSecond: Double, seconds: Double, cpuSeconds: Double, workers: Int, allocateCalls: Int) {
        let directory = NSTemporaryDirectory() + "halo-bench-simulate-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try write(to: directory)
        let scenario = try Scenario.load(path: path)
        let simulation = try Simulation(scenario: scenario, stdlib: root + "/stdlib")
        let clock = ContinuousClock()
        let cpuBefore = Self.processCPUSeconds()
        let started = clock.now
        simulation.run()
        let elapsed = started.duration(to: clock.now)
        let cpu = Self.processCPUSeconds() - cpuBefore
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (Double(days) / seconds, seconds, cpu, simulation.workers, days * primes)
    }

    /// User plus system CPU time of the whole process so far, in seconds (getrusage).
    static func processCPUSeconds() -> Double {
        #if os(Linux)
        let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
        let who = RUSAGE_SELF
        #endif
        var usage = rusage()
        guard getrusage(who, &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
