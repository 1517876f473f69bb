import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal
import LuaSandbox

/// The workloads behind `halo bench`. Each returns a figure; none asserts anything about time.
public enum Benchmarks {
    /// One `settle` call on a policy with the fixed ctx the bare C host builds too
    /// (`bench/baseline/baseline_host.c`): nanoseconds per call, the Lua heap after the run,
    /// and the decision of the first call (so both hosts can be seen to decide the same).
    /// `nativeAmounts: false` keeps every amount operation in Swift (what the figure measured
    /// before amounts moved into C).
    public static func policyCall(policy: String, stdlib: String?, iterations: Int, nativeAmounts: Bool = true) throws
        -> (nanoseconds: Double, luaBytes: Int, decision: JSONValue)
    {
        let host = try PolicyHost(file: policy, limits: PolicyLimits(instructions: 10_000_000, memoryBytes: 64 << 20, wallTimeMilliseconds: 10_000),
                                  stdlib: stdlib, pin: nil, nativeAmounts: nativeAmounts)
        let context = benchmarkContext()
        let clock = Timestamp(seconds: 1_772_629_200)
        let first = try host.call("settle", context: context, state: LuaTable(), clock: clock)
        let decision = ContextBuilder.json(first.results.first ?? .nil)
        for _ in 0..<max(1, iterations / 10) { _ = try host.call("settle", context: context, state: LuaTable(), clock: clock) }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { _ = try host.call("settle", context: context, state: LuaTable(), clock: clock) }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        return (Double(elapsed) / Double(iterations), host.memoryInUse, decision)
    }

    /// The ctx of the policy-call figure; every value mirrors the C baseline's.
    static func benchmarkContext() -> LuaTable {
        func amount(_ text: String) -> LuaValue { AmountBinding.value(try! Amount(parsing: text)) }
        func record(_ fields: [(String, LuaValue)]) -> LuaValue { ContextBuilder.record(fields) }
        let report = record([("time", .integer(1_772_614_800)), ("nav", amount("1.00012")), ("holdings", amount("40000000")),
                             ("capacity", amount("20000000")), ("liquidity", amount("15000000")), ("price", amount("1.00011"))])
        var ctx = LuaTable(frozen: true)
        ctx.set("time", .integer(1_772_629_200))
        ctx.set("time_iso", .string("2026-03-04T13:00:00Z"))
        ctx.set("unit", .string("tbill-a"))
        ctx.set("hook", .string("settle"))
        ctx.set("assets", record([("underlying", .string("USDS")), ("share", .string("TBILL-A"))]))
        ctx.set("params", record([("stale_report_after", .string("36h")), ("manager_silent_after", .string("7d")),
                                  ("nav_tolerance", .string("0.01")), ("max_daily_capacity", .string("50000000")),
                                  ("max_rate_increase_per_day", .string("0.001")), ("critical_nav_drop", .string("0.02")),
                                  ("capacity_buffer_ratio", .string("0.8"))]))
        ctx.set("report", report)
        ctx.set("reports", .table(LuaTable(array: [report], frozen: true)))
        ctx.set("queues", record([
            ("subscribe", record([("status", .string("locked")), ("generation", .integer(3)), ("total_shares", amount("4500000")),
                                  ("total_underlying", amount("4500000")), ("reward_per_token", amount("0.99988"))])),
            ("redeem", record([("status", .string("locked")), ("generation", .integer(1)), ("total_shares", amount("500000")),
                               ("total_underlying", amount("500000")), ("reward_per_token", amount("0"))])),
        ]))
        ctx.set("rate_limits", record([
            ("deposit", record([("unlimited", .boolean(false)), ("current", amount("10000000")), ("max", amount("10000000")),
                                ("slope", amount("115.74074074074074074")), ("last_amount", amount("10000000")),
                                ("last_updated", .integer(1_772_560_800))])),
            ("withdraw", record([("unlimited", .boolean(true))])),
        ]))
        ctx.set("exchange_rate", amount("1.00006"))
        ctx.set("last_settlement", record([("time", .integer(1_772_553_600)), ("exchange_rate", amount("1.00006"))]))
        ctx.set("cycle", record([("lock_time", .integer(1_772_629_200)), ("settle_time", .integer(1_772_640_000)),
                                 ("seconds_since_last_settlement", .integer(86_400)), ("days_since_last_settlement", .integer(1))]))
        ctx.set("ledger", record([("balances", record([
            ("grove", record([("USDS", amount("25000000"))])),
            ("spark", record([("TBILL-A", amount("3000000")), ("USDS", amount("20000000"))])),
            ("unit:redeem-queue", record([("TBILL-A", amount("500000"))])),
            ("unit:subscribe-queue", record([("USDS", amount("4500000"))])),
        ]))]))
        ctx.set("flags", record([("subscriptions_halted", .boolean(false)), ("relayer_frozen", .boolean(false)),
                                 ("skip_next_cycle", .boolean(false)), ("migrating", .boolean(false))]))
        return ctx
    }

    /// Simulated days per second: every Unit of `halo` on the daily clock for `days` days with
    /// `accounts` Primes, each business day a manager report per Unit, a subscription from one
    /// account in twenty and the previous day's claims.
    public static func dryRunDays(halo path: String, accounts: Int, days: Int) throws -> (daysPerSecond: Double, events: Int) {
        let halo = try HaloArtifact.load(path: path)
        let stdlib = StdlibLocator.find(near: [path])
        let start = try Timestamp(iso8601: "2026-03-02T00:00:00Z")
        var sentinels: [UnitSentinel] = []
        for artifact in halo.units {
            let sentinel = try UnitSentinel(artifact: artifact, schedule: halo.settlement, start: start, stdlib: stdlib,
                                            migrationProcedure: halo.procedures["migration"])
            for index in 0..<accounts {
                try sentinel.perform(.fund(account: "prime\(index)", asset: artifact.underlying, amount: try Amount(parsing: "1000000")), at: start)
            }
            sentinels.append(sentinel)
        }
        var events = 0
        let begin = DispatchTime.now().uptimeNanoseconds
        for day in 0..<days {
            let midnight = start.seconds + Int64(day) * 86_400
            guard !halo.settlement.skip.contains(Timestamp(seconds: midnight).weekday) else { continue }
            for sentinel in sentinels {
                let artifact = sentinel.artifact
                let nav = "1.\(String(format: "%06d", day * 12))"
                var fields = [ReportField(name: "nav", value: .amount(try Amount(parsing: nav))),
                              ReportField(name: "holdings", value: .amount(try Amount(parsing: "40000000"))),
                              ReportField(name: "capacity", value: .amount(try Amount(parsing: "5000000"))),
                              ReportField(name: "liquidity", value: .amount(try Amount(parsing: "5000000")))]
                for extra in artifact.reporting where !fields.contains(where: { $0.name == extra }) {
                    switch extra {
                    case "gated": fields.append(ReportField(name: extra, value: .bool(false)))
                    case "rating": fields.append(ReportField(name: extra, value: .text("AAA")))
                    default: fields.append(ReportField(name: extra, value: .amount(try Amount(parsing: nav))))
                    }
                }
                try? sentinel.perform(.report(fields), at: Timestamp(seconds: midnight + 9 * 3600))
                events += 1
                for index in stride(from: day % 20, to: accounts, by: 20) {
                    let account = "prime\(index)"
                    try? sentinel.perform(.claim(account: account, queue: .subscribe), at: Timestamp(seconds: midnight + 10 * 3600))
                    try? sentinel.perform(.subscribe(account: account, amount: try Amount(parsing: "1000")), at: Timestamp(seconds: midnight + 11 * 3600))
                    events += 2
                }
            }
        }
        for sentinel in sentinels { sentinel.advance(to: Timestamp(seconds: start.seconds + Int64(days) * 86_400)) }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        return (Double(days) / elapsed, events)
    }

    /// A feed of `count` events for `halo run`: one Prime per event subscribing, in time order.
    public static func feed(unit: String, count: Int) -> [(text: String, line: Int)] {
        var lines: [(text: String, line: Int)] = []
        let start: Int64 = 1_772_409_600  // 2026-03-02T00:00:00Z
        let accounts = max(1, count / 2)
        for index in 0..<count {
            let account = "p\(index % accounts)"
            let at = Timestamp(seconds: start + 8 * 3600 + Int64(index / 1000)).iso8601
            let text = index < accounts
                ? #"{"id":"e\#(index)","unit":"\#(unit)","at":"\#(at)","fund":{"account":"\#(account)","asset":"USDS","amount":"100"}}"#
                : #"{"id":"e\#(index)","unit":"\#(unit)","at":"\#(at)","subscribe":{"account":"\#(account)","amount":"1"}}"#
            lines.append((text, index + 1))
        }
        return lines
    }

    /// Durable events per second through `halo run`'s service (journal FULL, batches of 512),
    /// and the seconds to recover a journal of `recover` events: from the latest snapshot plus
    /// the tail (what a restart does), and by replaying every record (snapshots disabled).
    public static func journal(halo: String, events: Int, recover: Int, directory: String) throws
        -> (eventsPerSecond: Double, recoverySeconds: Double, replaySeconds: Double)
    {
        let unit = try HaloArtifact.load(path: halo).units[0].name
        let first = directory + "/throughput"
        let service = try SentinelService(haloPath: halo, stateDirectory: first, clock: .sim)
        let lines = feed(unit: unit, count: events)
        let begin = DispatchTime.now().uptimeNanoseconds
        try service.process(lines: lines, file: "bench")
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        service.close()

        func recoverySeconds(snapshots: Bool) throws -> Double {
            let path = directory + (snapshots ? "/recovery-snapshots" : "/recovery-replay")
            let writer = try SentinelService(haloPath: halo, stateDirectory: path, clock: .sim, synchronous: .normal)
            writer.snapshotEvery = snapshots ? 100_000 : 0
            try writer.process(lines: feed(unit: unit, count: recover), file: "bench", batchSize: 4096)
            writer.close()
            let start = DispatchTime.now().uptimeNanoseconds
            let reader = try SentinelService(haloPath: halo, stateDirectory: path, clock: .sim, role: .reader)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            reader.close()
            return seconds
        }
        return (Double(events) / elapsed, try recoverySeconds(snapshots: true), try recoverySeconds(snapshots: false))
    }
}
