import Foundation
import HaloArtifacts
import HaloCore
import HaloSentinel

/// A copy of the shipped example (Halo, policies, stdlib) in a temporary folder, with a state
/// directory holding the journal of `halo run` over the shipped three-week feed.
struct ReplayHistory {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let root: URL
    var state: String { root.appendingPathComponent("state").path }
    var halo: String { root.appendingPathComponent("examples/passthrough-alpha/halo.yaml").path }
    var journal: String { state + "/journal.sqlite" }

    /// Copies the example and runs the Sentinel over `feed` (default: the shipped three weeks).
    init(feed: String = "examples/passthrough-alpha/feeds/three-weeks.jsonl") throws {
        root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("halo-replay-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for item in ["examples", "policies", "stdlib"] {
            try FileManager.default.copyItem(at: Self.repository.appendingPathComponent(item), to: root.appendingPathComponent(item))
        }
        let service = try SentinelService(haloPath: halo, stateDirectory: state, clock: .sim)
        let text = try String(contentsOf: Self.repository.appendingPathComponent(feed), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { (String($1), $0 + 1) }
        try service.process(lines: lines, file: "three-weeks.jsonl")
        service.close()
    }

    /// Writes a policy into the copied `policies/` folder (so `require "tbill"` finds v1).
    func policy(_ name: String, _ source: String) throws -> String {
        let path = root.appendingPathComponent("policies/" + name).path
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// SHA-256 of every file in the state directory, by name, but SQLite's `-shm`/`-wal`
    /// coordination files, which any reader (`halo state` too) may create.
    func stateDigests() throws -> [String: String] {
        var digests: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: state) where !name.hasSuffix("-shm") && !name.hasSuffix("-wal") {
            digests[name] = FileDigest.sha256(ofFile: state + "/" + name) ?? "unreadable"
        }
        return digests
    }

    /// tbill-a's v1 with at most 3,000,000 USDS converting per settlement: the shipped example
    /// candidate of docs/replay.md, so the figures the tests assert are the ones the doc shows.
    static let cappedPolicy = try! String(contentsOf: repository.appendingPathComponent("policies/tbill-capped.lua"), encoding: .utf8)

    /// tbill-a's v1 with a NAV tolerance of 0.005 % instead of the artifact's 1 %: every report
    /// of the feed (NAV about 0.01 % above the independent price) now deviates.
    static let strictPolicy = """
    local v1 = require "tbill"
    local P = {}
    local function strict(ctx)
      local params = setmetatable({ nav_tolerance = "0.00005" }, { __index = ctx.params })
      return setmetatable({ params = params }, { __index = ctx })
    end
    for name, hook in pairs(v1) do
      P[name] = function(ctx, ...) return hook(strict(ctx), ...) end
    end
    return P
    """

    /// tbill-a's v1 whose settle raises once money is queued.
    static let raisingPolicy = """
    local halo = require "halo"
    local v1 = require "tbill"
    local P = {}
    for name, hook in pairs(v1) do P[name] = hook end
    function P.settle(ctx)
      if ctx.queues.subscribe.total_underlying > halo.amount(0) then error("candidate bug: cannot size the queue") end
      return v1.settle(ctx)
    end
    return P
    """
}
