import Foundation
import XCTest

/// `halo run --http` end to end: a real Sentinel on an ephemeral loopback port, driven by the
/// shipped three-week feed and by POSTed events; every route, the refusals and /metrics.
final class HTTPServerTests: XCTestCase {
    static let feedLines = 222
    nonisolated(unsafe) static var shared: SentinelServerProcess?

    /// One Sentinel for the suite (starting one replays three weeks of events).
    func server() throws -> SentinelServerProcess {
        if let server = Self.shared { return server }
        let server = try SentinelServerProcess()
        try server.waitForStatus("the feed") { SentinelServerProcess.taken($0) >= Self.feedLines }
        Self.shared = server
        return server
    }

    override class func tearDown() {
        shared?.stop()
        shared = nil
    }

    func testProbes() throws {
        let server = try server()
        let health = try server.request("/healthz")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.object["status"] as? String, "ok")
        let ready = try server.request("/readyz")
        XCTAssertEqual(ready.status, 200, ready.body)
        XCTAssertEqual(ready.object["status"] as? String, "ready")
    }

    func testUnits() throws {
        let server = try server()
        let units = try server.request("/v1/units")
        XCTAssertEqual(units.status, 200)
        XCTAssertEqual(Set(units.object.keys), ["clo-aaa-a", "mmf-a", "tbill-a"])
        for (name, value) in units.object {
            let unit = try XCTUnwrap(value as? [String: Any], name)
            // The `halo state --json` shape...
            for key in ["time", "exchange_rate", "accounts", "queues", "rate_limits", "flags"] { XCTAssertNotNil(unit[key], "\(name).\(key)") }
            // ...plus what an operator needs.
            XCTAssertEqual(unit["unit"] as? String, name)
            let policy = try XCTUnwrap(unit["policy"] as? [String: Any])
            XCTAssertEqual((policy["sha256"] as? String)?.count, 64)
            XCTAssertEqual(policy["loaded"] as? Bool, true)
            XCTAssertNotNil(policy["revision"] as? Int)
            let report = try XCTUnwrap(unit["last_report"] as? [String: Any], "\(name) has a last report after three weeks")
            XCTAssertNotNil(report["age_seconds"] as? Int)
            let headroom = try XCTUnwrap(unit["rate_limit_headroom"] as? [String: Any])
            XCTAssertFalse(headroom.isEmpty)
            for (_, limit) in headroom {
                guard let limit = limit as? [String: Any], limit["unlimited"] == nil else { continue }
                let bps = try XCTUnwrap(limit["utilisation_bps"] as? Int)
                XCTAssert((0...10_000).contains(bps))
            }
            let flags = try XCTUnwrap(unit["flag_reasons"] as? [String: Any])
            XCTAssertNotNil(flags["subscriptions_halted"])
            XCTAssertNotNil(unit["active_signals"] as? [Any])
        }
        let one = try server.request("/v1/units/tbill-a")
        XCTAssertEqual(one.status, 200)
        XCTAssertEqual(one.object["unit"] as? String, "tbill-a")
        XCTAssertEqual(one.object["exchange_rate"] as? String, (units.object["tbill-a"] as? [String: Any])?["exchange_rate"] as? String)
        let missing = try server.request("/v1/units/nope")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual((missing.object["error"] as? [String: Any])?["code"] as? String, "unknown-unit")
        let series = try server.request("/v1/units/tbill-a/series")
        XCTAssertEqual(series.status, 200)
        XCTAssertFalse((series.object["points"] as? [Any] ?? []).isEmpty)
    }

    func testDecisionsArePagedFromTheJournal() throws {
        let server = try server()
        let first = try server.request("/v1/decisions?unit=tbill-a&limit=5")
        XCTAssertEqual(first.status, 200)
        let items = try XCTUnwrap(first.object["items"] as? [[String: Any]])
        // A page ends at a journal record, so it holds at least `limit` items and at most one record more.
        XCTAssertGreaterThanOrEqual(items.count, 5)
        XCTAssertLessThan(items.count, 5 + 12)
        XCTAssert(items.allSatisfy { $0["unit"] as? String == "tbill-a" })
        XCTAssert(items.allSatisfy { $0["hook"] is String && $0["seq"] is Int })
        let next = try XCTUnwrap(first.object["next"] as? Int)
        let second = try server.request("/v1/decisions?unit=tbill-a&limit=5&since=\(next)")
        let more = try XCTUnwrap(second.object["items"] as? [[String: Any]])
        XCTAssertFalse(more.isEmpty)
        XCTAssert(more.allSatisfy { ($0["seq"] as? Int ?? 0) > next })
        // Paging through to the end yields every settle decision once.
        var since = 0, settles = 0, pages = 0
        while pages < 1_000 {
            let page = try server.request("/v1/decisions?limit=1000&since=\(since)").object
            settles += (page["items"] as? [[String: Any]] ?? []).filter { $0["hook"] as? String == "settle" }.count
            pages += 1
            guard let next = page["next"] as? Int else { break }
            since = next
        }
        XCTAssertGreaterThan(settles, 10, "three weeks of business days settle on every Unit")
        XCTAssertEqual(try server.request("/v1/decisions?since=-1").status, 400)
        XCTAssertEqual(try server.request("/v1/decisions?limit=abc").status, 400)
        let signals = try server.request("/v1/signals?limit=50")
        XCTAssertEqual(signals.status, 200)
        for signal in signals.object["items"] as? [[String: Any]] ?? [] {
            XCTAssertNotNil(signal["code"] as? String)
            XCTAssert(["info", "warning", "alert", "critical"].contains(signal["severity"] as? String ?? ""))
        }
    }

    /// `/v1/decisions` shows a hook's results as the decision log shows values: amounts as exact
    /// decimal strings in token units, never the journal's encoding of Lua values.
    func testDecisionsShowAmountsAsDecimalStrings() throws {
        let server = try server()
        let decimal = try NSRegularExpression(pattern: #"^-?[0-9]+(\.[0-9]*[1-9])?$"#)
        func isDecimal(_ value: Any?) -> Bool {
            guard let text = value as? String else { return false }
            return decimal.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        // The decision log (stdout) for the same calls, by Unit and the policy's note (a journal
        // item's time is its record's, not the 13:00 lock's): the settle results it printed.
        var logged: [String: [[String: String]]] = [:]
        for line in server.stdout.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["type"] as? String == "decision", object["hook"] as? String == "settle",
                  let unit = object["unit"] as? String, let result = object["result"] as? [String: Any],
                  let note = result["note"] as? String, result["subscribe"] != nil else { continue }
            logged["\(unit) \(note)", default: []].append(result.compactMapValues { $0 as? String })
        }
        var since = 0, pages = 0, settles = 0, compared = 0, emptySignals = 0
        while pages < 1_000 {
            let reply = try server.request("/v1/decisions?limit=1000&since=\(since)")
            XCTAssertEqual(reply.status, 200)
            XCTAssertFalse(reply.body.contains("userdata"), "the journal's Lua encoding leaked")
            XCTAssertFalse(reply.body.contains(#""bytes""#), "the journal's Lua encoding leaked")
            let items = try XCTUnwrap(reply.object["items"] as? [[String: Any]])
            for item in items where item["error"] is NSNull {
                let results = try XCTUnwrap(item["results"] as? [Any], "\(item)")
                switch item["hook"] as? String {
                case "settle":
                    let result = try XCTUnwrap(results.first as? [String: Any], "\(item)")
                    for key in ["subscribe", "redeem", "exchange_rate"] {
                        XCTAssert(isDecimal(result[key]), "settle \(key): \(result[key] ?? "nil") in \(item)")
                    }
                    settles += 1
                    if let unit = item["unit"] as? String, let note = result["note"] as? String, let logs = logged["\(unit) \(note)"] {
                        let shown = ["subscribe", "redeem", "exchange_rate"].map { result[$0] as? String }
                        XCTAssert(logs.contains { log in ["subscribe", "redeem", "exchange_rate"].map { log[$0] } == shown },
                                  "\(unit): /v1/decisions shows \(shown), the decision log \(logs)")
                        compared += 1
                    }
                case "signals":
                    // A round that raised nothing: one return value, the empty list (the decision log's `[]`).
                    XCTAssert(results.first is [Any], "signals results \(results)")
                    if let list = results.first as? [Any], list.isEmpty { emptySignals += 1 }
                default:
                    break
                }
            }
            pages += 1
            guard let next = reply.object["next"] as? Int else { break }
            since = next
        }
        XCTAssertGreaterThan(settles, 10)
        XCTAssertGreaterThan(compared, 0, "settle decisions found in the decision log too")
        XCTAssertGreaterThan(emptySignals, 0, "quiet signals rounds in three weeks")
    }

    func testSubmitRefusals() throws {
        let server = try server()
        let event = #"{"id":"http-refusal-probe","unit":"tbill-a","fund":{"account":"probe","asset":"USDS","amount":"1"}}"#
        let none = try server.post(event, token: nil)
        XCTAssertEqual(none.status, 401)
        XCTAssertEqual((none.object["error"] as? [String: Any])?["code"] as? String, "unauthorized")
        XCTAssertEqual(try server.post(event, token: "wrong").status, 401)
        let huge = String(repeating: " ", count: (1 << 20) + 10) + event
        let tooLarge = try server.post(huge)
        XCTAssertEqual(tooLarge.status, 413)
        let malformed = try server.post(#"{"unit":"tbill-a","fund":"#)
        XCTAssertEqual(malformed.status, 400)
        let code = (malformed.object["error"] as? [String: Any])?["code"] as? String
        XCTAssertNotNil(code)
        XCTAssertNotEqual(code, "unauthorized")
        let unknown = try server.post(#"{"id":"x","unit":"nope","fund":{"account":"a","asset":"USDS","amount":"1"}}"#)
        XCTAssertEqual(unknown.status, 400)
        // The CLI refuses the same line with the same code.
        let cli = try HaloCLI.run(["submit", "--state", server.stateDirectory.appendingPathComponent("state").path, "-"],
                                  stdin: #"{"id":"x","unit":"nope","fund":{"account":"a","asset":"USDS","amount":"1"}}"#)
        XCTAssertEqual(cli.status, 2)
        let httpCode = try XCTUnwrap((unknown.object["error"] as? [String: Any])?["code"] as? String)
        XCTAssert(cli.stderr.contains(httpCode), "\(cli.stderr) vs \(httpCode)")
    }

    func testSubmitIsExactlyOnce() throws {
        let server = try server()
        let skipped = try server.request("/v1/status").object["events_already_journaled"] as? Int ?? 0
        func balance() throws -> String? {
            let accounts = try server.request("/v1/units/mmf-a").object["accounts"] as? [String: Any]
            return (accounts?["http-prime"] as? [String: Any])?["USDS"] as? String
        }
        let event = #"{"id":"http-once-1","unit":"mmf-a","fund":{"account":"http-prime","asset":"USDS","amount":"1000"}}"#
        let accepted = try server.post(event)
        XCTAssertEqual(accepted.status, 202, accepted.body)
        XCTAssertEqual((accepted.object["accepted"] as? [String])?.count, 1)
        for _ in 0..<600 where try balance() != "1000" { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(try balance(), "1000")
        // The same id again: taken from the inbox, counted as already journaled, not applied twice.
        XCTAssertEqual(try server.post(event).status, 202)
        try server.waitForStatus("the duplicate") { ($0["events_already_journaled"] as? Int ?? 0) == skipped + 1 }
        XCTAssertEqual(try balance(), "1000")
    }

    func testMetricsParseAsPrometheusText() throws {
        let server = try server()
        // Other tests of this class post events, so the Sentinel may still be applying them: a
        // scrape is compared with /v1/status and /v1/units read just before and just after it,
        // and retried (bounded) until nothing moved in between and every hook call's counter
        // and histogram agree, as they must at rest.
        func counts(_ status: [String: Any]) -> [Int] {
            [status["events_applied"] as? Int ?? -1, status["events_refused"] as? Int ?? -1]
        }
        var reply = try server.request("/metrics")
        var metrics = try PrometheusText(reply.body)
        var status: [String: Any] = [:]
        var units: [String: Any] = [:]
        for _ in 0..<50 {
            let before = try server.request("/v1/status").object
            units = try server.request("/v1/units").object
            reply = try server.request("/metrics")
            metrics = try PrometheusText(reply.body)
            status = try server.request("/v1/status").object
            let settled = ["clo-aaa-a", "mmf-a", "tbill-a"].allSatisfy { name in
                metrics.value("halo_hook_duration_seconds_count", ["unit": name, "hook": "settle"])
                    == metrics.value("halo_hook_calls_total", ["unit": name, "hook": "settle"])
            }
            if settled && counts(before) == counts(status) { break }
            usleep(100_000)
        }
        XCTAssertEqual(reply.status, 200)
        XCTAssert(reply.headers["content-type"]?.hasPrefix("text/plain") == true)
        XCTAssertEqual(metrics.families["halo_events_applied_total"]?.type, "counter")
        XCTAssertEqual(metrics.value("halo_events_applied_total"), Double(status["events_applied"] as? Int ?? -1))
        XCTAssertEqual(metrics.value("halo_events_refused_total"), Double(status["events_refused"] as? Int ?? -1))
        XCTAssertEqual(metrics.value("halo_ready"), 1)
        for name in ["clo-aaa-a", "mmf-a", "tbill-a"] {
            let unit = try XCTUnwrap(units[name] as? [String: Any])
            XCTAssertEqual(metrics.value("halo_exchange_rate", ["unit": name]), Double(unit["exchange_rate"] as? String ?? ""), name)
            XCTAssertGreaterThan(metrics.value("halo_hook_calls_total", ["unit": name, "hook": "settle"]), 0, name)
            XCTAssertEqual(metrics.families["halo_hook_duration_seconds"]?.type, "histogram")
            XCTAssertEqual(metrics.value("halo_hook_duration_seconds_count", ["unit": name, "hook": "settle"]),
                           metrics.value("halo_hook_calls_total", ["unit": name, "hook": "settle"]))
            XCTAssertEqual(metrics.value("halo_hook_instructions_count", ["unit": name, "hook": "settle"]),
                           metrics.value("halo_hook_calls_total", ["unit": name, "hook": "settle"]))
            XCTAssertFalse(metrics.samples("halo_rate_limit_max", ["unit": name]).isEmpty)
            XCTAssertFalse(metrics.samples("halo_rate_limit_current", ["unit": name]).isEmpty)
            XCTAssertEqual(metrics.samples("halo_queue_backlog", ["unit": name]).count, 2)
            XCTAssertEqual(metrics.families["halo_queue_backlog"]?.type, "gauge")
            // Counters with known labels exist from start, at zero until something happens.
            for outcome in ["accepted", "refused"] {
                XCTAssertEqual(metrics.samples("halo_policy_reloads_total", ["unit": name, "outcome": outcome]).count, 1, "\(name) \(outcome)")
            }
            XCTAssertEqual(metrics.samples("halo_hook_failures_total", ["unit": name, "hook": "settle"]).count, 1, name)
            XCTAssertFalse(metrics.samples("halo_last_report_age_seconds", ["unit": name]).isEmpty)
        }
        XCTAssertNil(metrics.families["halo_queue_total"], "renamed halo_queue_backlog (a gauge must not end in _total)")
        XCTAssertGreaterThan(metrics.value("halo_journal_commit_seconds_count"), 0)
        XCTAssertEqual(metrics.families["halo_journal_commit_seconds"]?.type, "histogram")
    }

    func testEventStreamCarriesCommittedDecisionLines() throws {
        let server = try server()
        let stream = try EventStreamClient(base: server.base)
        defer { stream.close() }
        // The recent lines come first...
        let recent = try stream.next(timeout: 30)
        XCTAssertNotNil(recent["type"] as? String)
        XCTAssertNotNil(recent["id"] as? String)
        // ...then a line committed after we connected: an event five days later moves the clock
        // over at least three business days' 13:00 locks, whose settle decisions must stream.
        let status = try server.request("/v1/status").object
        let time = try XCTUnwrap(status["time"] as? String)
        let later = ISO8601DateFormatter().date(from: time)!.addingTimeInterval(5 * 86_400)
        let at = ISO8601DateFormatter().string(from: later)
        XCTAssertEqual(try server.post(#"{"id":"http-stream-1","unit":"tbill-a","at":"\#(at)","fund":{"account":"s","asset":"USDS","amount":"1"}}"#).status, 202)
        var sawLive = false
        for _ in 0..<5_000 {
            let line = try stream.next(timeout: 30)
            if stream.caughtUp, line["type"] as? String == "decision", (line["time"] as? String ?? "") > time { sawLive = true; break }
        }
        XCTAssert(sawLive)
    }

    func testOpenAPIDocumentMatchesTheRoutes() throws {
        let server = try server()
        let reply = try server.request("/v1/openapi.json")
        XCTAssertEqual(reply.status, 200)
        let document = reply.object
        XCTAssertEqual(document["openapi"] as? String, "3.1.0")
        let paths = try XCTUnwrap(document["paths"] as? [String: [String: Any]])
        // Every documented operation answers with one of its documented statuses...
        for (path, operations) in paths {
            for (method, operation) in operations {
                if path == "/v1/events/stream" { continue } // never ends; covered by its own test
                let concrete = path.replacingOccurrences(of: "{unit}", with: "tbill-a")
                let documented = Set(((operation as? [String: Any])?["responses"] as? [String: Any] ?? [:]).keys.compactMap(Int.init))
                let answer: SentinelServerProcess.Reply
                if method == "post" {
                    answer = try server.post(#"{"id":"openapi-probe","unit":"tbill-a","fund":{"account":"o","asset":"USDS","amount":"1"}}"#)
                } else {
                    answer = try server.request(concrete, method: method.uppercased())
                }
                XCTAssert(documented.contains(answer.status), "\(method) \(path): \(answer.status) not in \(documented)")
            }
        }
        // ...and what is not documented is not served.
        XCTAssertEqual(try server.request("/v1/nothing").status, 404)
        XCTAssertEqual(try server.request("/v1/units/tbill-a/other").status, 404)
        XCTAssertEqual(try server.request("/healthz", method: "POST").status == 200, false)
        // Every route the dashboard and operators use is documented.
        for path in ["/healthz", "/readyz", "/v1/status", "/v1/units", "/v1/units/{unit}", "/v1/units/{unit}/series", "/v1/decisions",
                     "/v1/signals", "/v1/events/stream", "/v1/events", "/metrics", "/v1/openapi.json", "/"] {
            XCTAssertNotNil(paths[path], path)
        }
        XCTAssertEqual(paths.count, 13)
    }

    func testDashboardIsSelfContained() throws {
        let server = try server()
        let page = try server.request("/")
        XCTAssertEqual(page.status, 200)
        XCTAssert(page.headers["content-type"]?.hasPrefix("text/html") == true)
        XCTAssert(page.body.contains("<svg") || page.body.contains("createElementNS"))
        // No network: nothing is loaded from another origin.
        XCTAssertFalse(page.body.contains("http://"), "the page loads nothing from elsewhere")
        XCTAssertFalse(page.body.contains("https://"))
        XCTAssertFalse(page.body.contains("<script src"))
    }
}
