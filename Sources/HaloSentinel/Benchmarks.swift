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
        let types = host.userdataTypes
        let clock = Timestamp(seconds: 1_772_629_200)
        let first = try host.call("settle", encodedContext: benchmarkContext(types: types), state: LuaTable(), clock: clock)
        let decision = ContextBuilder.json(first.results.first ?? .nil)
        for _ in 0..<max(1, iterations / 10) {
            _ = try host.call("settle", encodedContext: benchmarkContext(types: types), state: LuaTable(), clock: clock)
        }
        // Each call writes its ctx, as the runtime does and as the C baseline does.
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { _ = try host.call("settle", encodedContext: benchmarkContext(types: types), state: LuaTable(), clock: clock) }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        return (Double(elapsed) / Double(iterations), host.memoryInUse, decision)
    }

    /// The ctx of the policy-call figure, written for `types` as the runtime writes a hook's
    /// ctx (the C baseline, too, builds its ctx on every call); every value mirrors the C
    /// baseline's.
    static func benchmarkContext(types: LuaUserdataTypes) -> EncodedLuaTable {
        let amountType = AmountBinding.typeID(in: types)
        var ctx = LuaTableWriter(types: types)
        // The amounts are parsed once (the runtime holds money as values, and so does the C
        // baseline): a call writes them, it does not parse them.
        let amounts = benchmarkAmounts
        func amount(_ key: String, _ value: Amount, into ctx: inout LuaTableWriter) {
            ctx.set(key, amount: value.units, decimals: value.decimals, type: amountType)
        }
        func report(into ctx: inout LuaTableWriter) {
            ctx.set("time", Int64(1_772_614_800))
            amount("nav", amounts[0], into: &ctx)
            amount("holdings", amounts[1], into: &ctx)
            amount("capacity", amounts[2], into: &ctx)
            amount("liquidity", amounts[3], into: &ctx)
            amount("price", amounts[4], into: &ctx)
        }
        ctx.set("time", Int64(1_772_629_200))
        ctx.set("time_iso", "2026-03-04T13:00:00Z")
        ctx.set("unit", "tbill-a")
        ctx.set("hook", "settle")
        ctx.openTable("assets")
        ctx.set("underlying", "USDS")
        ctx.set("share", "TBILL-A")
        ctx.closeTable()
        ctx.openTable("params")
        for (key, value) in benchmarkParams { ctx.set(key, value) }
        ctx.closeTable()
        ctx.openTable("report")
        report(into: &ctx)
        ctx.closeTable()
        ctx.openTable("reports")
        ctx.openTable(index: 1)
        report(into: &ctx)
        ctx.closeTable()
        ctx.closeTable()
        ctx.openTable("queues")
        for (name, generation, total, rate) in [("subscribe", Int64(3), amounts[8], amounts[9]), ("redeem", Int64(1), amounts[10], amounts[11])] {
            ctx.openTable(name)
            ctx.set("status", "locked")
            ctx.set("generation", generation)
            amount("total_shares", total, into: &ctx)
            amount("total_underlying", total, into: &ctx)
            amount("reward_per_token", rate, into: &ctx)
            ctx.closeTable()
        }
        ctx.closeTable()
        ctx.openTable("rate_limits")
        ctx.openTable("deposit")
        ctx.set("unlimited", false)
        amount("current", amounts[5], into: &ctx)
        amount("max", amounts[5], into: &ctx)
        amount("slope", amounts[6], into: &ctx)
        amount("last_amount", amounts[5], into: &ctx)
        ctx.set("last_updated", Int64(1_772_560_800))
        ctx.closeTable()
        ctx.openTable("withdraw")
        ctx.set("unlimited", true)
        ctx.closeTable()
        ctx.closeTable()
        amount("exchange_rate", amounts[7], into: &ctx)
        ctx.openTable("last_settlement")
        ctx.set("time", Int64(1_772_553_600))
        amount("exchange_rate", amounts[7], into: &ctx)
        ctx.closeTable()
        ctx.openTable("cycle")
        ctx.set("lock_time", Int64(1_772_629_200))
        ctx.set("settle_time", Int64(1_772_640_000))
        ctx.set("seconds_since_last_settlement", Int64(86_400))
        ctx.set("days_since_last_settlement", Int64(1))
        ctx.closeTable()
        ctx.openTable("ledger")
        ctx.openTable("balances")
        ctx.openTable("grove")
        amount("USDS", amounts[12], into: &ctx)
        ctx.closeTable()
        ctx.openTable("spark")
        amount("TBILL-A", amounts[13], into: &ctx)
        amount("USDS", amounts[2], into: &ctx)
        ctx.closeTable()
        ctx.openTable("unit:redeem-queue")
        amount("TBILL-A", amounts[10], into: &ctx)
        ctx.closeTable()
        ctx.openTable("unit:subscribe-queue")
        amount("USDS", amounts[8], into: &ctx)
        ctx.closeTable()
        ctx.closeTable()
        ctx.closeTable()
        ctx.openTable("flags")
        ctx.set("subscriptions_halted", false)
        ctx.set("relayer_frozen", false)
        ctx.set("skip_next_cycle", false)
        ctx.set("migrating", false)
        ctx.closeTable()
        return ctx.finish()
    }

    /// Every amount of ``benchmarkContext(types:)``, parsed once.
    static let benchmarkAmounts: [Amount] = [
        "1.00012", "40000000", "20000000", "15000000", "1.00011", "10000000", "115.74074074074074074", "1.00006",
        "4500000", "0.99988", "500000", "0", "25000000", "3000000",
    ].map { try! Amount(parsing: $0) }

    /// The Unit params of ``benchmarkContext(types:)``, in order.
    static let benchmarkParams: [(String, String)] = [
        ("stale_report_after", "36h"), ("manager_silent_after", "7d"), ("nav_tolerance", "0.01"),
        ("max_daily_capacity", "50000000"), ("max_rate_increase_per_day", "0.001"), ("critical_nav_drop", "0.02"),
        ("capacity_buffer_ratio", "0.8"),
    ]

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
