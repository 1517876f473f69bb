import CLua
import Testing
@testable import LuaSandbox

/// Not a gate: prints the cost of one hook call through the sandbox next to a bare
/// lua_State doing the same work (push a ctx table, pcall the hook, read one result).
@Suite struct PerformanceTests {
    static let policy = """
        local P = {}
        function P.settle(ctx)
          local q = ctx.queues.subscribe
          local rate = ctx.report and ctx.report.nav or ctx.exchange_rate
          return { subscribe = q.total_underlying, redeem = 0, exchange_rate = rate }
        end
        return P
        """

    static func context(frozen: Bool) -> LuaValue {
        .table(LuaTable(dictionary: [
            "time": 1_772_413_200, "exchange_rate": "0.98",
            "report": .table(LuaTable(dictionary: ["nav": "0.99", "holdings": "1000"])),
            "queues": .table(LuaTable(dictionary: [
                "subscribe": .table(LuaTable(dictionary: ["status": "open", "total_underlying": 1000, "total_shares": 0])),
                "redeem": .table(LuaTable(dictionary: ["status": "open", "total_underlying": 0, "total_shares": 10])),
            ])),
            "params": .table(LuaTable(dictionary: ["nav_tolerance": "0.01", "stale_report_after": "36h"])),
        ], frozen: frozen))
    }

    @Test func hookCallCost() throws {
        let iterations = 20_000
        let clock = ContinuousClock()
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration())
        let policy = try sandbox.load(source: Self.policy, chunkName: "bench.lua")
        let ctx = Self.context(frozen: true)
        _ = try sandbox.call(policy, function: "settle", arguments: [ctx])
        let sandboxed = try clock.measure {
            for _ in 0..<iterations { _ = try sandbox.call(policy, function: "settle", arguments: [ctx]) }
        }

        let L = luaL_newstate()!
        defer { lua_close(L) }
        luaL_openlibs(L)
        _ = luaL_loadstring(L, Self.policy)
        _ = lua_pcallk(L, 0, 1, 0, 0, nil)
        func push(_ value: LuaValue) {
            switch value {
            case .integer(let i): lua_pushinteger(L, i)
            case .string(let s): _ = lua_pushstring(L, s)
            case .table(let t):
                lua_createtable(L, 0, Int32(t.entries.count))
                for e in t.entries {
                    push(e.value)
                    lua_setfield(L, -2, e.key.stringValue!)
                }
            default: lua_pushnil(L)
            }
        }
        let bare = clock.measure {
            for _ in 0..<iterations {
                _ = lua_getfield(L, -1, "settle")
                push(ctx)
                _ = lua_pcallk(L, 1, 1, 0, 0, nil)
                _ = lua_getfield(L, -1, "subscribe")
                _ = lua_tointegerx(L, -1, nil)
                lua_settop(L, -3)
            }
        }
        let plain = Self.context(frozen: false)
        let unfrozen = try clock.measure {
            for _ in 0..<iterations { _ = try sandbox.call(policy, function: "settle", arguments: [plain]) }
        }
        let state = try sandbox.makeTable(ctx.tableValue!)
        let byReference = try clock.measure {
            for _ in 0..<iterations { _ = try sandbox.call(policy, function: "settle", arguments: [.reference(state)]) }
        }
        var encoder = ValueEncoder(owner: 0)
        let encoding = try clock.measure {
            for _ in 0..<iterations { encoder.reset(); try encoder.encode(ctx, types: [:]) }
        }
        print("encoding only \(encoding / iterations)")
        print("unfrozen \(unfrozen / iterations), no marshalling \(byReference / iterations)")
        let ratio = Double(sandboxed.components.attoseconds) / Double(bare.components.attoseconds)
        print("hook call: sandbox \(sandboxed / iterations) per call, bare \(bare / iterations), ratio \(ratio)")
    }
}
