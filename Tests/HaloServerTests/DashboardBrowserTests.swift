import Foundation
import XCTest

/// The dashboard in a real browser: headless Chromium (Debian's `chromium`) loads `GET /` from
/// a running Sentinel, the page fills itself from the API and the event stream, and we check
/// the DOM it rendered. `.ci/run` installs chromium; outside CI the test skips without it.
final class DashboardBrowserTests: XCTestCase {
    static func chromium() -> String? {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        return nil
    }

    /// Runs chromium headless on `url` with `arguments`, bounded by `seconds`; returns stdout.
    static func runChromium(_ binary: String, _ arguments: [String], seconds: Int = 90) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        let profile = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("halo-chromium-" + UUID().uuidString)
        process.arguments = ["-k", "5", String(seconds), binary, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
                             "--disable-dev-shm-usage", "--user-data-dir=\(profile.path)"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: profile)
        return String(decoding: data, as: UTF8.self)
    }

    func testDashboardRendersUnitsChartsAndStreamedDecisions() throws {
        guard let chromium = Self.chromium() else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("chromium is missing under CI: .ci/run must install it"); return }
            throw XCTSkip("chromium is not installed (apt-get install chromium); CI runs this test")
        }
        let server = try SentinelServerProcess()
        defer { server.stop() }
        try server.waitForStatus("the feed") { SentinelServerProcess.taken($0) >= HTTPServerTests.feedLines }
        // The page renders decision rows only from stream lines; give it the time to connect and draw.
        var dom = ""
        for attempt in 0..<3 {
            dom = try Self.runChromium(chromium, ["--virtual-time-budget=\(8_000 * (attempt + 1))", "--run-all-compositor-stages-before-draw",
                                                  "--dump-dom", server.base + "/?once"])
            if dom.contains("decision-row") { break }
        }
        for unit in ["clo-aaa-a", "mmf-a", "tbill-a"] {
            XCTAssert(dom.contains("data-unit=\"\(unit)\""), "no card for \(unit)")
        }
        XCTAssert(dom.contains("class=\"decision-row"), "no decision row arrived over the stream")
        // A non-empty chart: the exchange-rate path has at least two points.
        let rateLine = try NSRegularExpression(pattern: #"<path d="M[0-9.]+ [0-9.]+( L[0-9.]+ [0-9.]+)+" class="rate-line""#)
        XCTAssertNotNil(rateLine.firstMatch(in: dom, range: NSRange(dom.startIndex..., in: dom)), "no drawn exchange-rate line")
        XCTAssert(dom.contains("ready"), "the readiness badge")
        // A screenshot, checked to be a PNG of the requested size.
        let shot = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("halo-dashboard-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: shot) }
        _ = try Self.runChromium(chromium, ["--virtual-time-budget=8000", "--window-size=1400,1000", "--hide-scrollbars",
                                            "--screenshot=\(shot.path)", server.base + "/?once"])
        let png = try Data(contentsOf: shot)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        XCTAssertGreaterThan(png.count, 10_000)
    }
}
