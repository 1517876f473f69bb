import Testing
@testable import LuaSandbox

/// Lua's own `pairs` hands out Lua's raw `next` for a table without `__pairs`
/// (`local rawnext = pairs({})`). Applied to a read-only proxy, that raw `next` walked the
/// proxy's hidden slots and returned its backing table, writable. The sandbox's `pairs` hands
/// out the sandbox's `next`, which walks a proxy's contents, for every kind of proxy.
@Suite struct RawNextTests {
    let source = """
        local rawnext = pairs({})
        return {
          probe = function(t)
            local k, v = rawnext(t)
            return type(k), k, v
          end,
          write = function(t)
            local k, v = rawnext(t)
            while k ~= nil do
              if type(v) == "table" then pcall(function() v.name = "evil" end) end
              k, v = rawnext(t, k)
            end
            return t.params.name
          end,
          globals = function()
            local keys = {}
            for k in pairs(_G) do keys[#keys + 1] = k end
            table.sort(keys)
            local plain = {}
            for k, v in pairs({a = 1, b = 2}) do plain[#plain + 1] = k .. v end
            table.sort(plain)
            return table.concat(keys, ","), table.concat(plain, ",")
          end,
        }
        """

    func context() -> LuaTable {
        LuaTable(dictionary: ["params": .table(LuaTable(dictionary: ["name": "tbill"]))], frozen: true)
    }

    @Test func theNextThatPairsHandsOutWalksContentsNotHiddenSlots() throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: source, chunkName: "rawnext.lua")
        // A lazy proxy not yet decoded, and one decoded by an earlier read.
        #expect(try sandbox.call(policy, function: "probe", arguments: [.table(context())]) == ["string", "params", .table(LuaTable(dictionary: ["name": "tbill"], frozen: true))])
        // An eagerly pushed proxy (a read-only table kept in the registry).
        let kept = try sandbox.makeTable(LuaTable(dictionary: ["name": "tbill"], frozen: true))
        #expect(try sandbox.call(policy, function: "probe", arguments: [.reference(kept)]) == ["string", "name", "tbill"])
        sandbox.release(kept)
    }

    @Test func noBackingTableIsReachableToWriteThrough() throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: source, chunkName: "rawnext.lua")
        #expect(try sandbox.call(policy, function: "write", arguments: [.table(context())]) == ["tbill"])
        #expect(try sandbox.call(policy, function: "write", context: context(), state: LuaTable()).results == ["tbill"])
    }

    @Test func pairsStillWalksPlainTablesAndTheEnvironment() throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: "x = 1\ny = 2\n" + source, chunkName: "rawnext.lua")
        #expect(try sandbox.call(policy, function: "globals", arguments: []) == ["_G,x,y", "a1,b2"])
    }
}
