import Foundation
import Testing

/// `halo replay` as a user runs it: after `halo run` over the shipped three-week feed.
@Suite(.serialized) struct ReplayCommandTests {
    /// A copy of the example with its journal.
    func history() throws -> URL {
        let root = try HaloProcess.temporaryDirectory()
        for item in ["examples", "policies", "stdlib"] {
            try FileManager.default.copyItem(at: HaloProcess.repository.appendingPathComponent(item), to: root.appendingPathComponent(item))
        }
        let run = try HaloProcess.run(["run", "examples/passthrough-alpha/halo.yaml", "--state", "state",
                                       "--feed", "examples/passthrough-alpha/feeds/three-weeks.jsonl"], directory: root)
        #expect(run.status == 0, "\(run.stderr)")
        return root
    }

    @Test func samePolicyIsExitZeroChangedIsExitOneRaisingIsExitThree() throws {
        let root = try history()
        let journal = root.appendingPathComponent("state/journal.sqlite")
        let before = try Data(contentsOf: journal)

        let same = try HaloProcess.run(["replay", "--state", "state", "--policy", "policies/tbill.lua"], directory: root)
        #expect(same.status == 0, "\(same.stdout)\n\(same.stderr)")
        #expect(same.stdout.contains("Every decision is the same as recorded."))

        let capped = """
        local halo = require "halo"
        local v1 = require "tbill"
        local P = {}
        for name, hook in pairs(v1) do P[name] = hook end
        function P.settle(ctx)
          local decision = v1.settle(ctx)
          if decision.subscribe > halo.amount("3000000") then decision.subscribe = halo.amount("3000000") end
          return decision
        end
        return P
        """
        try capped.write(to: root.appendingPathComponent("policies/tbill-capped.lua"), atomically: true, encoding: .utf8)
        let ambiguous = try HaloProcess.run(["replay", "--state", "state", "--policy", "policies/tbill-capped.lua"], directory: root)
        #expect(ambiguous.status == 2, "\(ambiguous.stderr)")
        #expect(ambiguous.stderr.contains("--unit"))

        let differs = try HaloProcess.run(["replay", "--state", "state", "--policy", "policies/tbill-capped.lua", "--unit", "tbill-a"], directory: root)
        #expect(differs.status == 1, "\(differs.stdout)\n\(differs.stderr)")
        let monday = differs.stdout.split(separator: "\n").first { $0.hasPrefix("2026-03-02T13:00:00Z") } ?? ""
        #expect(monday.contains("settle") && monday.contains("subscribe 3750000, redeem 0") && monday.contains("subscribe 3000000, redeem 0"),
                "\(differs.stdout)")
        let toManager = differs.stdout.split(separator: "\n").first { $0.contains("USDS to manager") } ?? ""
        #expect(toManager.contains("40750000") && toManager.contains("40249099.285") && toManager.contains("-500900.715"), "\(differs.stdout)")

        let json = try HaloProcess.run(["replay", "--state", "state", "--policy", "policies/tbill-capped.lua", "--unit", "tbill-a",
                                        "--since", "2026-03-09", "--until", "2026-03-13T23:59:59Z", "--json"], directory: root)
        #expect(json.status == 1)
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(document?["status"] as? String == "differs")
        let differences = document?["differences"] as? [[String: Any]] ?? []
        #expect(differences.first?["time"] as? String == "2026-03-09T13:00:00Z")
        let money = (document?["money"] as? [String: Any])?["tbill-a"] as? [String: Any]
        #expect((money?["candidate"] as? [String: Any])?["to_manager"] as? String == "15000000")

        let raising = """
        local halo = require "halo"
        local v1 = require "tbill"
        local P = {}
        for name, hook in pairs(v1) do P[name] = hook end
        function P.settle(ctx) error("candidate bug") end
        return P
        """
        try raising.write(to: root.appendingPathComponent("policies/tbill-raising.lua"), atomically: true, encoding: .utf8)
        let failed = try HaloProcess.run(["replay", "--state", "state", "--policy", "policies/tbill-raising.lua", "--unit", "tbill-a"], directory: root)
        #expect(failed.status == 3, "\(failed.stdout)\n\(failed.stderr)")
        #expect(failed.stdout.contains("FAILED"))

        #expect(try Data(contentsOf: journal) == before)
    }

    /// `--html FILE` beside `--json`: the JSON on stdout, one self-contained page in the file, the exit code unchanged.
    @Test func htmlReportShowsTheDifferingCycleBothDecisionsAndTheMoney() throws {
        let root = try history()
        let capped = """
        local halo = require "halo"
        local v1 = require "tbill"
        local P = {}
        for name, hook in pairs(v1) do P[name] = hook end
        function P.settle(ctx)
          local decision = v1.settle(ctx)
          if decision.subscribe > halo.amount("3000000") then decision.subscribe = halo.amount("3000000") end
          return decision
        end
        return P
        """
        try capped.write(to: root.appendingPathComponent("policies/tbill-capped.lua"), atomically: true, encoding: .utf8)
        let file = root.appendingPathComponent("replay.html")
        let run = try HaloProcess.run(["replay", "--state", "state", "--policy", "policies/tbill-capped.lua", "--unit", "tbill-a",
                                       "--json", "--html", file.path], directory: root)
        #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(document?["status"] as? String == "differs", "stdout is the JSON document alone")

        let html = try String(contentsOf: file, encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("halo replay: differs"))
        // The differing cycle, both decisions side by side, and both raw results.
        #expect(html.contains("<td>2026-03-02T13:00:00Z</td><td>settle</td><td>subscribe 3750000, redeem 0"), "\(html)")
        #expect(html.contains("subscribe 3000000, redeem 0"))
        #expect(html.contains("settle · recorded") && html.contains("settle · candidate"))
        // The money: recorded, candidate and the signed delta of USDS to the manager.
        let toManager = html.components(separatedBy: "<tr>").first { $0.hasPrefix("<td>USDS to manager</td>") } ?? ""
        #expect(toManager.contains("40750000") && toManager.contains("40249099.285") && toManager.contains("-500900.715"), "\(toManager)")
        #expect(html.contains("-500900.715"), "the subtitle's money summary")
        // Two rate paths on one chart, the candidate's dashed.
        #expect(html.contains("<svg"))
        #expect(html.contains("<title>recorded</title>") && html.contains("<title>candidate</title>"))
        #expect(html.contains("stroke-dasharray"))
        // Self-contained: nothing fetched (the SVG namespace is a name, not a fetch).
        for reference in ["src=\"http://", "src=\"https://", "href=\"http://", "href=\"https://", "<script", "<link"] {
            #expect(!html.contains(reference), "\(reference)")
        }
        #expect(!html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"))

        // An unwritable FILE is invalid input.
        let unwritable = try HaloProcess.run(["replay", "--state", "state", "--policy", "policies/tbill.lua",
                                              "--html", "no-such-dir/replay.html"], directory: root)
        #expect(unwritable.status == 2, "\(unwritable.stderr)")
        #expect(unwritable.stderr.contains("--html: cannot write"))
    }
}

/// `halo run --watch --replay-on-reload DAYS` as an operator runs it.
@Suite(.serialized) struct ReplayOnReloadTests {
    @Test func aWatchedEditThatFailsOnHistoryIsRefused() throws {
        let root = try HaloProcess.temporaryDirectory()
        for item in ["examples", "policies", "stdlib"] {
            try FileManager.default.copyItem(at: HaloProcess.repository.appendingPathComponent(item), to: root.appendingPathComponent(item))
        }
        let misuse = try HaloProcess.run(["run", "examples/passthrough-alpha/halo.yaml", "--state", "state", "--replay-on-reload", "3"], directory: root)
        #expect(misuse.status == 2)
        #expect(misuse.stderr.contains("--replay-on-reload needs --watch"))

        let process = Process()
        process.executableURL = HaloProcess.executable
        process.arguments = ["run", "examples/passthrough-alpha/halo.yaml", "--state", "state", "--feed", "-", "--watch",
                             "--replay-on-reload", "30", "--poll", "50ms"]
        process.currentDirectoryURL = root
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let stdout = PipeCollector(output), stderr = PipeCollector(errors)
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let feed = try String(contentsOf: root.appendingPathComponent("examples/passthrough-alpha/feeds/three-weeks.jsonl"), encoding: .utf8)
        input.fileHandleForWriting.write(Data(feed.utf8))
        #expect(stdout.wait(for: "\"event\":\"tick-tbill-a-end\"", seconds: 60), "\(stderr.text)")

        // An edit that compiles but raises as soon as money is queued: three weeks of history say no.
        let policy = root.appendingPathComponent("policies/tbill.lua")
        let original = try String(contentsOf: policy, encoding: .utf8)
        let raising = original.replacingOccurrences(of: "function P.settle(ctx)\n",
                                                    with: "function P.settle(ctx)\n  if ctx.queues.subscribe.total_underlying > halo.amount(0) then error(\"candidate bug\") end\n")
        #expect(raising != original)
        try raising.write(to: policy, atomically: true, encoding: .utf8)
        #expect(stderr.wait(for: "reload refused, the previous policy keeps running", seconds: 60), "\(stderr.text)")
        #expect(stderr.text.contains("the candidate fails on the last 30 day(s) of history"), "\(stderr.text)")
        #expect(stderr.text.contains("candidate bug"))

        // A harmless edit is swapped, with the replay's verdict on the same line.
        try (original + "\n-- edited: a comment changes the hash\n").write(to: policy, atomically: true, encoding: .utf8)
        #expect(stderr.wait(for: "; replay: identical", seconds: 60), "\(stderr.text)")
        process.terminate()
        process.waitUntilExit()
    }
}
