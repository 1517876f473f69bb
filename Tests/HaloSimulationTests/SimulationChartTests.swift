import Foundation
import HaloCore
import Testing
@testable import HaloSimulation

/// The chart and the HTML page print figures as the text summary does, on nice ticks, with a
/// backlog line no Prime's area shares.
@Suite struct SimulationChartTests {
    static let idlePolicy = "return { allocate = function(ctx) return {} end }"

    func run(policy: String, days: Int) throws -> Simulation {
        let directory = SimulationFixtures.scratch()
        let prime = SimulationFixtures.prime("p", policy: policy, in: directory)
        return try SimulationFixtures.run(SimulationFixtures.scenario(primes: [prime], in: directory, days: days))
    }

    /// `step` is 1, 2, 2.5 or 5 times a power of ten.
    func isNice(_ step: Double) -> Bool {
        let scaled = step / pow(10, log10(step).rounded(.down))
        return [1, 2, 2.5, 5, 10].contains { abs(scaled - $0) < 1e-9 }
    }

    @Test(arguments: [798.7e6, 1_065e6, 266.2e6, 100_000, 1, 7, 9.5, 1000, 12_345_678, 0.3])
    func ticksAreNiceStepsThatCoverTheMaximum(maximum: Double) {
        let ticks = SimulationChart.ticks(maxValue: maximum)
        #expect(ticks.first == 0)
        #expect(ticks.count >= 2 && ticks.count <= 6)
        #expect(ticks.last! >= maximum)
        let step = ticks[1] - ticks[0]
        #expect(isNice(step), "step \(step) for \(maximum)")
        for (a, b) in zip(ticks, ticks.dropFirst()) { #expect(abs((b - a) - step) <= step * 1e-9) }
        // Not needlessly tall: one step less would not cover the maximum.
        #expect(ticks.last! - step < maximum)
    }

    @Test func ticksFor798MillionAreHundredsOfMillionsInTheShortForm() {
        let ticks = SimulationChart.ticks(maxValue: 798.7e6)
        #expect(ticks == [0, 200e6, 400e6, 600e6, 800e6])
        #expect(ticks.map(SimulationChart.label) == ["0", "200.00M", "400.00M", "600.00M", "800.00M"])
        // 1,065M (the governance launch) gets 250M steps up to 1.25B.
        #expect(SimulationChart.ticks(maxValue: 1_065e6) == [0, 250e6, 500e6, 750e6, 1_000e6, 1_250e6])
        #expect(SimulationChart.label(1_065_250_000) == SimulationReport.short(try! Amount(parsing: "1065250000").units))
    }

    @Test(arguments: [0, -5, 1e-300, Double.leastNonzeroMagnitude, .nan, .infinity, .greatestFiniteMagnitude])
    func degenerateMaximaGiveAFiniteAxis(maximum: Double) {
        let ticks = SimulationChart.ticks(maxValue: maximum)
        #expect(ticks.count >= 2)
        let finite = ticks.allSatisfy { $0.isFinite }
        let ascending = zip(ticks, ticks.dropFirst()).allSatisfy { $0 < $1 }
        #expect(finite)
        #expect(ascending)
        #expect(ticks.last! > 0)
        _ = ticks.map(SimulationChart.label)
    }

    @Test func backlogColourIsNoPrimesColour() {
        for primes in 1...60 {
            for index in 0..<primes {
                #expect(SimulationChart.primeColour(index).lowercased() != SimulationChart.backlogColour.lowercased())
            }
        }
    }

    @Test func htmlSaysNoneWhenNothingIsRefused() throws {
        let simulation = try run(policy: Self.idlePolicy, days: 4)
        let html = SimulationChart.html(simulation)
        let section = try #require(html.range(of: "Refused orders by code")).upperBound
        #expect(html[section...].contains(">none<"))
        #expect(SimulationReport.text(simulation).contains("Refused orders by code: none"))
    }

    @Test func htmlListsRefusalsByCodeWhenThereAreSome() throws {
        let html = SimulationChart.html(try run(policy: greedyPolicy, days: 5))
        let section = try #require(html.range(of: "Refused orders by code")).upperBound
        #expect(html[section...].contains("<td>not-onboarded</td>"))
        #expect(!html[section...].contains(">none<"))
    }

    @Test func htmlAndSvgPrintTheTextSummarysShortForm() throws {
        let simulation = try run(policy: greedyPolicy, days: 5)
        let launch = try #require(simulation.launches.first)
        let html = SimulationChart.html(simulation)
        for units in [launch.queuedDay1, launch.day1!] {
            let exact = Amount(units: units).description
            #expect(exact.split(separator: ".").last!.count > 10, "the test needs a raw figure with many decimals: \(exact)")
            #expect(html.contains(">\(SimulationReport.short(units))</td>"))
            #expect(!html.contains(">\(exact)<"))
            #expect(SimulationReport.text(simulation).contains(SimulationReport.short(units)))
        }
        // The chart's total is the text summary's figure.
        let svg = SimulationChart.svg(simulation)
        #expect(svg.contains("total \(SimulationReport.short(launch.total))<"))
        #expect(html.contains("total \(SimulationReport.short(launch.total))<"))
        // No script, no external file.
        #expect(!html.contains("<script"))
        #expect(!html.contains("href="))
        #expect(!html.contains("src="))
    }

    @Test func backlogLineIsDrawnInTheBacklogColourOnly() throws {
        let svg = SimulationChart.svg(try run(policy: greedyPolicy, days: 5))
        #expect(svg.contains("<polyline") && svg.contains("stroke=\"\(SimulationChart.backlogColour)\""))
        #expect(!svg.contains("fill=\"\(SimulationChart.backlogColour)\""))
    }
}
