import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HaloServer
import XCTest

/// The server before the Sentinel is up (recovery still running): alive, not ready, refusing
/// writes; and the `--http` address forms.
final class ServerStartupTests: XCTestCase {
    func get(_ url: String, method: String = "GET", headers: [String: String] = [:]) throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if method == "POST" { request.httpBody = Data("{}".utf8) }
        for (key, value) in headers { request.setValue(value, forHTTPHeaderField: key) }
        let box = ReplyBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.value = error.map { .failure($0) } ?? .success(SentinelServerProcess.Reply(
                status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data ?? Data(), as: UTF8.self), headers: [:]))
            done.signal()
        }.resume()
        done.wait()
        let reply = try box.value!.get()
        return (reply.status, reply.body)
    }

    func testNotReadyUntilTheSentinelIsAttached() throws {
        let directory = NSTemporaryDirectory() + "halo-startup-" + UUID().uuidString
        let state = ServerState()
        let server = HaloHTTPServer(state: state, metrics: HaloMetrics(), history: JournalHistory(stateDirectory: directory),
                                    submitter: EventSubmitter(stateDirectory: directory), token: "t")
        let bound = try server.start(try XCTUnwrap(HTTPAddress(parsing: "127.0.0.1:0")))
        defer { server.stop() }
        XCTAssertEqual(bound.host, "127.0.0.1")
        XCTAssertGreaterThan(bound.port, 0)
        let base = "http://\(bound)"
        XCTAssertEqual(try get(base + "/healthz").0, 200)
        let ready = try get(base + "/readyz")
        XCTAssertEqual(ready.0, 503)
        XCTAssert(ready.1.contains("journal not open"), ready.1)
        state.updateReadiness { $0.journalOpen = true }
        XCTAssert(try get(base + "/readyz").1.contains("recovery not done"))
        state.updateReadiness { $0.recovered = true; $0.policiesNotLoaded = ["tbill-a": "policy-error: boom"] }
        let policy = try get(base + "/readyz")
        XCTAssertEqual(policy.0, 503)
        XCTAssert(policy.1.contains("tbill-a"), policy.1)
        // Writes wait for the Sentinel: 503 with its code, not a 400.
        let post = try get(base + "/v1/events", method: "POST", headers: ["Authorization": "Bearer t"])
        XCTAssertEqual(post.0, 503, post.1)
        XCTAssert(post.1.contains("not-ready"))
        state.updateReadiness { $0.policiesNotLoaded = [:] }
        XCTAssertEqual(try get(base + "/readyz").0, 200)
    }

    /// Counters whose labels are known exist at zero from start (so `increase()` sees the first
    /// event), before any event or reload: a Sentinel started without a feed.
    func testDocumentedCountersExistFromStartAtZero() throws {
        let server = try SentinelServerProcess(feed: nil)
        defer { server.stop() }
        var reply = try server.request("/readyz")
        for _ in 0..<600 where reply.status != 200 {
            Thread.sleep(forTimeInterval: 0.05)
            reply = try server.request("/readyz")
        }
        XCTAssertEqual(reply.status, 200, reply.body)
        let metrics = try PrometheusText(try server.request("/metrics").body)
        for name in ["halo_events_applied_total", "halo_hook_calls_total", "halo_hook_failures_total",
                     "halo_policy_reloads_total", "halo_signals_total"] {
            XCTAssertEqual(metrics.families[name]?.type, "counter", name)
        }
        let units = try XCTUnwrap(server.request("/v1/status").object["units"] as? [String])
        XCTAssertEqual(Set(units), ["clo-aaa-a", "mmf-a", "tbill-a"])
        for unit in units {
            for outcome in ["accepted", "refused"] {
                let series = metrics.samples("halo_policy_reloads_total", ["unit": unit, "outcome": outcome])
                XCTAssertEqual(series.map(\.value), [0], "\(unit) \(outcome)")
            }
            XCTAssertEqual(metrics.samples("halo_events_applied_total", ["unit": unit]).map(\.value), [0], unit)
            for hook in ["settle", "signals", "respond", "migrate"] {
                XCTAssertEqual(metrics.samples("halo_hook_calls_total", ["unit": unit, "hook": hook]).map(\.value), [0], "\(unit) \(hook)")
                XCTAssertEqual(metrics.samples("halo_hook_failures_total", ["unit": unit, "hook": hook]).map(\.value), [0], "\(unit) \(hook)")
            }
            XCTAssertEqual(metrics.samples("halo_signals_total", ["unit": unit, "code": "POLICY_FAILURE", "severity": "alert"]).map(\.value), [0], unit)
        }
    }

    func testAddressForms() {
        XCTAssertEqual(HTTPAddress(parsing: "127.0.0.1:8080"), HTTPAddress(parsing: ":8080"))
        XCTAssertEqual(HTTPAddress(parsing: "8080")?.host, "127.0.0.1")
        XCTAssertEqual(HTTPAddress(parsing: "0.0.0.0:9")?.host, "0.0.0.0")
        XCTAssertEqual(HTTPAddress(parsing: "[::1]:80")?.host, "::1")
        XCTAssertEqual(HTTPAddress(parsing: "[::1]:80")?.description, "[::1]:80")
        XCTAssertNil(HTTPAddress(parsing: "host:port"))
        XCTAssertNil(HTTPAddress(parsing: "127.0.0.1:70000"))
    }
}
