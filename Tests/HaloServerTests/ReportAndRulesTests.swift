import Foundation
import HaloReports
import XCTest

/// `--html` reports, the generated dashboard string, and the shipped Prometheus rules.
final class ReportAndRulesTests: XCTestCase {
    let tbillFixtures = "examples/passthrough-alpha/units/tbill/tests"

    func testDryRunHTMLReportIsSelfContained() throws {
        // A fixture whose policy settles (the report must show a settle decision and a drawn line).
        let fixture = "normal-week.yaml"
        XCTAssert(FileManager.default.fileExists(atPath: SentinelServerProcess.repository.appendingPathComponent(tbillFixtures).appendingPathComponent(fixture).path))
        let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("halo-report-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try HaloCLI.run(["dry-run", "\(tbillFixtures)/\(fixture)", "--html", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let html = try String(contentsOf: file, encoding: .utf8)
        XCTAssert(html.hasPrefix("<!doctype html>"))
        XCTAssert(html.contains("<svg"), "charts")
        XCTAssert(html.contains("class=\"series\" d=\"M"), "a drawn line")
        XCTAssert(html.contains("Decisions"))
        XCTAssert(html.contains("settle"))
        XCTAssert(html.contains("PASS"))
        // Self-contained: nothing to fetch (the SVG namespace is a name, not a fetch).
        XCTAssertFalse(html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("<link"))
    }

    func testTestCommandWritesOneReportForEveryFixture() throws {
        let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("halo-test-report-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try HaloCLI.run(["test", "examples/", "--html", file.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let html = try String(contentsOf: file, encoding: .utf8)
        let passed = Int(result.stdout.split(separator: "\n").last?.split(separator: " ").first ?? "") ?? -1
        XCTAssertGreaterThan(passed, 0)
        XCTAssertEqual(html.components(separatedBy: "<section class=\"run\"").count - 1, passed)
    }

    func testReportEscapesWhatItShows() {
        let run = ReportRun(name: "<script>alert(1)</script>", source: "a&b.yaml", unit: "u", policyFile: "p.lua", policySHA256: nil,
                            passed: false, verdict: "\"quoted\"", steps: [], decisions: [], signals: [], actions: [],
                            series: [ReportPoint(time: 0, exchangeRate: "1.0", balances: ["a USDS": "10"]),
                                     ReportPoint(time: 3600, exchangeRate: "1.5", balances: ["a USDS": "5"])])
        let html = HTMLReport.render(ReportDocument(title: "t", subtitle: "s", runs: [run]))
        XCTAssertFalse(html.contains("<script>"))
        XCTAssert(html.contains("&lt;script&gt;"))
        XCTAssert(html.contains("a&amp;b.yaml"))
        XCTAssert(html.contains("FAIL"))
    }

    func testDashboardStringMatchesItsHTMLSource() throws {
        let source = try String(contentsOf: SentinelServerProcess.repository.appendingPathComponent("Sources/HaloServer/dashboard.html"), encoding: .utf8)
        let generated = try String(contentsOf: SentinelServerProcess.repository.appendingPathComponent("Sources/HaloServer/DashboardPage.swift"), encoding: .utf8)
        XCTAssert(generated.contains(source), "run scripts/gen-dashboard.sh after editing dashboard.html")
    }

    func testPrometheusRulesFileIsValid() throws {
        let rules = SentinelServerProcess.repository.appendingPathComponent("examples/prometheus/halo-rules.yml")
        let text = try String(contentsOf: rules, encoding: .utf8)
        for metric in ["halo_hook_failures_total", "halo_last_report_age_seconds", "halo_rate_limit_max", "halo_rate_limit_current",
                       "halo_journal_commit_seconds_bucket", "for: 3d"] {
            XCTAssert(text.contains(metric), metric)
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") else {
            throw XCTSkip("promtool is not installed (Debian: prometheus); the rules were not checked by it")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        process.arguments = ["check", "rules", rules.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, output)
        XCTAssert(output.contains("SUCCESS"), output)
    }

    /// `promtool check metrics` (naming and format lint) on the example's /metrics after the
    /// three-week feed: exit 0 and nothing printed.
    func testMetricsPassPromtoolCheck() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") else {
            throw XCTSkip("promtool is not installed (Debian: prometheus); /metrics was not checked by it")
        }
        let server = try SentinelServerProcess()
        defer { server.stop() }
        try server.waitForStatus("the feed") { SentinelServerProcess.taken($0) >= HTTPServerTests.feedLines }
        let reply = try server.request("/metrics")
        XCTAssertEqual(reply.status, 200)
        XCTAssert(reply.body.contains("halo_hook_duration_seconds_bucket"), "hook histograms are there to be checked")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        process.arguments = ["check", "metrics"]
        let input = Pipe(), out = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = out
        try process.run()
        input.fileHandleForWriting.write(Data(reply.body.utf8))
        try input.fileHandleForWriting.close()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, output)
        XCTAssertEqual(output, "", "promtool check metrics prints nothing when the metrics pass")
    }
}
