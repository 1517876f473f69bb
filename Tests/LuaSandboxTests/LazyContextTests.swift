import Testing
@testable import LuaSandbox

/// The frozen tables of a call's arguments are pushed lazily (marshal.c): each level is decoded
/// from one copy of the argument buffer when it is first read. These tests pin what a policy
/// must not be able to tell apart from the eager push, and what must stay safe after the call.
@Suite struct LazyContextTests {
    /// A ctx with the shapes a Unit's has: records, a list, a userdata and a nested record.
    func context(frozen: Bool) -> LuaValue {
        .table(LuaTable(dictionary: [
            "unit": "tbill-a",
            "time": 1_772_629_200,
            "params": .table(LuaTable(dictionary: [
                "stale_report_after": "36h", "nav_tolerance": "0.01", "max_daily_capacity": "50000000",
                "critical_nav_drop": "0.02", "capacity_buffer_ratio": "0.8", "alpha": "a", "beta": "b",
                "gamma": "c", "delta": "d", "epsilon": "e",
            ])),
            "report": .table(LuaTable(dictionary: ["nav": Money.value(100_012), "holdings": Money.value(4_000_000_000)])),
            "reports": .table(LuaTable(array: [.table(LuaTable(dictionary: ["nav": Money.value(1)]))])),
            "ledger": .table(LuaTable(dictionary: ["balances": .table(LuaTable(dictionary: [
                "spark": .table(LuaTable(dictionary: ["USDS": Money.value(2_000_000_000)])),
            ]))])),
        ], frozen: frozen))
    }

    @Test func pairsVisitsKeysInTheSameOrderAsAnEagerTable() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: """
            return { order = function(ctx)
              local keys = {}
              for k in pairs(ctx.params) do keys[#keys + 1] = k end
              for k in pairs(ctx) do keys[#keys + 1] = k end
              return table.concat(keys, ",")
            end }
            """, chunkName: "order.lua")
        let lazy = try sandbox.call(policy, function: "order", arguments: [context(frozen: true)])
        let eager = try sandbox.call(policy, function: "order", arguments: [context(frozen: false)])
        #expect(lazy == eager)
        #expect(lazy.first?.stringValue?.split(separator: ",").count == 16)
    }

    @Test func everyWayOfReadingAnUndecodedTableWorks() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: """
            return {
              index = function(ctx) return ctx.report.nav:cents() end,
              len = function(ctx) return #ctx.reports end,
              ipairs = function(ctx) local n = 0 for _, r in ipairs(ctx.reports) do n = n + r.nav:cents() end return n end,
              next = function(ctx) local k = next(ctx.ledger) return k end,
              concat = function(ctx) return table.concat({ctx.params.alpha, ctx.params.beta}, "") end,
              unpack = function(ctx) local r = table.unpack(ctx.reports) return r.nav:cents() end,
            }
            """, chunkName: "reads.lua")
        let expected: [String: LuaValue] = ["index": 100_012, "len": 1, "ipairs": 1, "next": "balances", "concat": "ab", "unpack": 1]
        for (function, value) in expected {
            #expect(try sandbox.call(policy, function: function, arguments: [context(frozen: true)]) == [value], "\(function)")
        }
    }

    @Test func undecodedTablesRefuseWritesLikeDecodedOnes() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: """
            return {
              assign = function(ctx) ctx.report.nav = 1 end,
              rawset = function(ctx) rawset(ctx.params, "x", 1) end,
              setmetatable = function(ctx) setmetatable(ctx.ledger, {}) end,
              insert = function(ctx) table.insert(ctx.reports, 1) end,
              getmetatable = function(ctx) local mt = getmetatable(ctx.report) mt.__index = nil end,
            }
            """, chunkName: "writes.lua")
        for function in ["assign", "rawset", "setmetatable", "insert", "getmetatable"] {
            do {
                _ = try sandbox.call(policy, function: function, arguments: [context(frozen: true)])
                Issue.record("\(function) succeeded")
            } catch {
                #expect(error.code == .forbidden || error.code == .policyError, "\(function): \(error)")
            }
        }
    }

    @Test func anUndecodedTableReturnedAsAResultComesBackWhole() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: """
            return {
              whole = function(ctx) return ctx end,
              part = function(ctx) local _ = ctx.ledger.balances return ctx.ledger, ctx.report end,
            }
            """, chunkName: "results.lua")
        let ctx = context(frozen: true)
        // Everything inside a read-only table reads back as read-only, as with an eager push.
        func frozen(_ value: LuaValue) -> LuaValue {
            guard case .table(let table) = value else { return value }
            return .table(LuaTable(entries: table.entries.map { .init(key: $0.key, value: frozen($0.value)) }, frozen: true))
        }
        #expect(try sandbox.call(policy, function: "whole", arguments: [ctx]) == [frozen(ctx)])
        let parts = try sandbox.call(policy, function: "part", arguments: [ctx])
        #expect(parts == [frozen(ctx.tableValue!["ledger"]!), frozen(ctx.tableValue!["report"]!)])
    }

    @Test func aKeptCtxReadAfterItsCallSeesWhatTheCallSaw() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: """
            local kept
            return {
              keep = function(ctx) kept = ctx return true end,
              read = function(ctx) return kept.report.nav:cents(), kept.state.mark, ctx.state.mark end,
            }
            """, chunkName: "kept.lua")
        let first = try sandbox.makeTable(LuaTable(dictionary: ["mark": "first"]))
        var ctx = context(frozen: true).tableValue!
        ctx["state"] = .reference(first)
        _ = try sandbox.call(policy, function: "keep", arguments: [.table(ctx)])
        sandbox.release(first)
        // The released registry slot is reused by the next state: the kept ctx must not see it.
        let second = try sandbox.makeTable(LuaTable(dictionary: ["mark": "second"]))
        ctx["state"] = .reference(second)
        ctx["report"] = .table(LuaTable(dictionary: ["nav": Money.value(5)]))
        #expect(try sandbox.call(policy, function: "read", arguments: [.table(ctx)]) == [100_012, "first", "second"])
        sandbox.release(second)
    }

    @Test func resultBoundsStillApplyToUndecodedTables() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: """
            return { deep = function(ctx)
              local t = ctx.ledger
              for _ = 1, 30 do t = { t } end
              return t
            end }
            """, chunkName: "deep.lua")
        do {
            _ = try sandbox.call(policy, function: "deep", arguments: [context(frozen: true)])
            Issue.record("a result nested deeper than 32 tables was returned")
        } catch {
            #expect(error.code == .policyError && error.message.contains("conversion bounds"), "\(error)")
        }
    }

    @Test func onlyTheLevelsAPolicyReadsAreDecoded() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: """
            return {
              none = function(ctx) return 1 end,
              top = function(ctx) return ctx.unit end,
              deep = function(ctx) return ctx.ledger.balances.spark.USDS:cents() end,
              all = function(ctx)
                local function walk(t) for _, v in pairs(t) do if type(v) == "table" then walk(v) end end end
                walk(ctx)
              end,
            }
            """, chunkName: "levels.lua")
        for (function, decoded) in [("none", 0), ("top", 1), ("deep", 4), ("all", 8)] {
            _ = try sandbox.call(policy, function: function, arguments: [context(frozen: true)])
            #expect(sandbox.lastCallDecodedTables == decoded, "\(function)")
        }
    }
}

/// `call(_:function:context:state:extra:)`: the state crosses with the ctx and comes back with
/// the results, decoded only when the policy changed it.
@Suite struct CallStateTests {

    let source = """
        local kept
        return {
          read = function(ctx) return ctx.state.count, ctx.unit end,
          bump = function(ctx) ctx.state.count = (ctx.state.count or 0) + 1 return ctx.state.count end,
          touch = function(ctx) ctx.state.tmp = 1; ctx.state.tmp = nil end,
          keep = function(ctx) kept = ctx end,
          kept = function(ctx) return kept.state.count, ctx.state.count end,
          extra = function(ctx, a, b) return a + b end,
          replace = function(ctx) return rawequal(ctx.state, ctx.state), type(ctx.state) end,
        }
        """

    @Test func anUntouchedStateComesBackAsNil() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: source, chunkName: "state.lua")
        let ctx = LuaTable(dictionary: ["unit": "tbill-a"], frozen: true)
        for state in [LuaTable(), LuaTable(dictionary: ["count": 4])] {
            let read = try sandbox.call(policy, function: "read", context: ctx, state: state)
            #expect(read.results == [state["count"] ?? .nil, "tbill-a"])
            #expect(read.state == nil)
        }
        // Written and put back: the same bytes, so the same state.
        #expect(try sandbox.call(policy, function: "touch", context: ctx, state: LuaTable()).state == nil)
    }

    @Test func aWrittenStateComesBack() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: source, chunkName: "state.lua")
        let ctx = LuaTable(dictionary: ["unit": "tbill-a"], frozen: true)
        let first = try sandbox.call(policy, function: "bump", context: ctx, state: LuaTable())
        #expect(first.results == [1])
        #expect(first.state == LuaTable(dictionary: ["count": 1]))
        let second = try sandbox.call(policy, function: "bump", context: ctx, state: first.state!)
        #expect(second.state == LuaTable(dictionary: ["count": 2]))
    }

    @Test func theCtxStateEntryIsTheCallsStateAndStaysWithItsCtx() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: source, chunkName: "state.lua")
        // A `state` entry of the ctx itself is replaced by the call's state.
        let ctx = LuaTable(dictionary: ["unit": "tbill-a", "state": "not this"], frozen: true)
        #expect(try sandbox.call(policy, function: "replace", context: ctx, state: LuaTable()).results == [true, "table"])
        _ = try sandbox.call(policy, function: "keep", context: ctx, state: LuaTable(dictionary: ["count": 10]))
        #expect(try sandbox.call(policy, function: "kept", context: ctx, state: LuaTable(dictionary: ["count": 20])).results == [10, 20])
    }

    @Test func extraArgumentsFollowTheCtx() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: source, chunkName: "state.lua")
        let outcome = try sandbox.call(policy, function: "extra", context: LuaTable(frozen: true), state: LuaTable(), extra: [2, 3])
        #expect(outcome.results == [5])
    }
}
