import Foundation
import HaloArtifacts
import HaloCore
@testable import HaloSentinel

/// A temporary Unit with an inline policy, for runtime tests.
struct SentinelHarness {
    let root: String
    let unitPath: String
    let policyPath: String

    static let start = try! Timestamp(iso8601: "2026-03-02T00:00:00Z")  // a Monday

    static func unitYAML(responses: String = "[halt_subscriptions, resume_subscriptions, zero_rate_limit, set_rate_limit, haircut, skip_cycle, freeze, migrate, alert]",
                         limits: String = "{ instructions: 1000000, memory: \"8MiB\", time: \"2s\" }",
                         extraParams: String = "") -> String {
        """
        unit: test-a
        assets: { underlying: USDS, share: TEST-A }
        template: { name: lcts-unit, sha256: "0000000000000000000000000000000000000000000000000000000000000000" }
        policy: { file: policy.lua }
        params: { max_rate_increase_per_day: "0.001"\(extraParams) }
        rate_limits:
          deposit:  { max: "10000", slope: "1" }
          withdraw: unlimited
        configurator: { hop: "18h", max_change: "1.25", inits: { deposit: { max: "10000", slope: "1" } } }
        signals: [STALE_REPORT, NAV_DEVIATION]
        responses: \(responses)
        limits: \(limits)
        reporting: [nav, holdings]
        """
    }

    init(policy: String, unit: String = SentinelHarness.unitYAML()) throws {
        root = NSTemporaryDirectory() + "halo-sentinel-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        unitPath = root + "/unit.yaml"
        policyPath = root + "/policy.lua"
        try unit.write(toFile: unitPath, atomically: true, encoding: .utf8)
        try policy.write(toFile: policyPath, atomically: true, encoding: .utf8)
    }

    func write(_ text: String, to name: String) throws -> String {
        let path = root + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func sentinel(daily: Bool = true, rate: String? = nil) throws -> UnitSentinel {
        let artifact = try UnitArtifact.load(path: unitPath)
        let sentinel = try UnitSentinel(artifact: artifact, schedule: .standard, start: Self.start, stdlib: Self.stdlib,
                                        exchangeRate: rate.map { try! Rate(parsing: $0) }, dailyClock: daily)
        try sentinel.perform(.fund(account: "alice", asset: "USDS", amount: try Amount(parsing: "100000")), at: Self.start)
        try sentinel.perform(.fund(account: "bob", asset: "TEST-A", amount: try Amount(parsing: "5000")), at: Self.start)
        return sentinel
    }

    /// The repository's stdlib (tests run from anywhere).
    static let stdlib: String? = {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = here.appendingPathComponent("stdlib").path
        return FileManager.default.fileExists(atPath: path + "/halo.lua") ? path : nil
    }()

    static func time(_ text: String) -> Timestamp { try! Timestamp(iso8601: text) }
    static func amount(_ text: String) -> Amount { try! Amount(parsing: text) }
}

/// A policy that converts everything at the report's NAV (or the current rate).
let convertAllPolicy = """
local host = require "halo.host"
local P = {}
function P.settle(ctx)
  local rate = ctx.exchange_rate
  if ctx.report and ctx.report.nav then rate = ctx.report.nav end
  return { subscribe = ctx.queues.subscribe.total_underlying, redeem = ctx.queues.redeem.total_underlying,
           exchange_rate = rate }
end
function P.signals(ctx)
  local raised = {}
  if ctx.report and ctx.report.nav < host.amount("0.99") then
    raised[#raised + 1] = { code = "NAV_DEVIATION", severity = "alert", message = "nav " .. tostring(ctx.report.nav) }
  end
  return raised
end
function P.respond(ctx, raised)
  local actions = {}
  for _, signal in ipairs(raised) do
    if signal.code == "NAV_DEVIATION" then
      actions[#actions + 1] = { action = "halt_subscriptions", reason = signal.message }
      actions[#actions + 1] = { action = "haircut", rate = ctx.report.nav, reason = "mark to the report" }
    end
  end
  return actions
end
return P
"""
