import Foundation
import HaloArtifacts

/// A scratch folder with a Unit Artifact and a policy, shared by the harnesses: fixtures in
/// the corpus name `unit.yaml`, feed lines name the Unit `fuzz-a`.
public enum FuzzWorkspace {
    /// The folder (created once per process).
    public static let directory: String = {
        let path = NSTemporaryDirectory() + "halo-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try? unitYAML.write(toFile: path + "/unit.yaml", atomically: true, encoding: .utf8)
        try? policy.write(toFile: path + "/policy.lua", atomically: true, encoding: .utf8)
        return path
    }()

    /// The Unit every harness uses; tight sandbox limits keep a hostile policy's run short.
    public static let unitYAML = """
        unit: fuzz-a
        assets: { underlying: USDS, share: FUZZ-A }
        template: { name: lcts-unit, sha256: "0000000000000000000000000000000000000000000000000000000000000000" }
        policy: { file: policy.lua }
        params: { max_rate_increase_per_day: "0.001" }
        rate_limits:
          deposit:  { max: "10000", slope: "1" }
          withdraw: unlimited
        configurator: { hop: "18h", max_change: "1.25", inits: { deposit: { max: "10000", slope: "1" } } }
        signals: [STALE_REPORT, NAV_DEVIATION]
        responses: [halt_subscriptions, resume_subscriptions, zero_rate_limit, set_rate_limit, haircut, skip_cycle, freeze, migrate, alert]
        limits: { instructions: 200000, memory: "4MiB", time: "200ms" }
        reporting: [nav, holdings]
        """

    /// A policy that converts everything at the reported NAV.
    public static let policy = """
        local halo = require "halo"
        local P = {}
        function P.settle(ctx)
          return { subscribe = ctx.queues.subscribe.total_underlying, redeem = halo.amount(0),
                   exchange_rate = ctx.report and ctx.report.nav or ctx.exchange_rate }
        end
        return P
        """

    /// The Unit, parsed once.
    public static let unit: UnitArtifact = {
        _ = directory
        return try! UnitArtifact.load(path: directory + "/unit.yaml")
    }()

    /// The repository's stdlib folder.
    public static let stdlib: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("stdlib").path
    }()
}
