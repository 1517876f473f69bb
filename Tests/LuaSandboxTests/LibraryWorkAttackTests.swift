import Foundation
import Testing
@testable import LuaSandbox

/// Work done inside C library functions, budget values at their extremes, and read-only
/// tables reached through `require`: each reproducer must end quickly with the right code.
let libraryWorkAttacks: [Attack] = [
    // table.concat loops i..j in C with one __index call per element: charged before it starts.
    Attack(name: "concatIndexHugeRange", code: .timeout,
           source: "return table.concat(setmetatable({}, {__index = rawlen}), '', 1, 2^40)"),
    Attack(name: "concatIndexHugeRangeNoSeparator", code: .timeout,
           source: "return table.concat(setmetatable({}, {__index = rawlen}), nil, 1, 2^40)"),
    Attack(name: "concatIndexHugeLen", code: .timeout,
           source: "return table.concat(setmetatable({}, {__index = rawlen, __len = function() return 2^40 end}))"),
    Attack(name: "concatIndexHugeRangeInPcallRetry", code: .timeout,
           source: "while true do pcall(table.concat, setmetatable({}, {__index = rawlen}), '', 1, 2^40) end"),
    // with an instruction budget too large to refuse it up front, the wall clock ends it while it runs
    Attack(name: "concatIndexHugeRangeWallTime", code: .timeout,
           source: "return table.concat(setmetatable({}, {__index = rawlen}), '', 1, 2^40)",
           limits: SandboxLimits(instructions: 1 << 50, memoryBytes: 64 << 20, wallTimeMilliseconds: 100),
           instructionMargin: nil),
    Attack(name: "unpackIndexRange", code: .timeout,
           source: "for i = 1, 100 do table.unpack(setmetatable({}, {__index = rawlen}), 1, 50000) end"),
    Attack(name: "sortIndexHugeLen", code: .timeout,
           source: "table.sort(setmetatable({}, {__index = rawlen, __len = function() return 2^40 end}))"),
    Attack(name: "insertIndexHugeLen", code: .timeout,
           source: "table.insert(setmetatable({}, {__index = rawlen, __len = function() return 2^40 end}), 'x')"),
    Attack(name: "moveIndexHugeRange", code: .timeout,
           source: "table.move(setmetatable({}, {__index = rawlen}), 1, 2^40, 1, {})"),
    Attack(name: "findBacktrackingLong", code: .timeout,
           source: "return string.find(string.rep('a', 5000), '.-.-.-.-b')"),
    Attack(name: "formatManyWideFields", code: .timeout,
           source: "local s = string.rep('x', 1e4) while true do string.format(string.rep('%s', 100), table.unpack(setmetatable({}, {__index = function() return s end}), 1, 100)) end"),
    Attack(name: "utf8CodepointHugeRange", code: .timeout,
           source: "local s = string.rep('a', 1e4) while true do utf8.codepoint(s, 1, -1) end"),
    Attack(name: "selectCountLoop", code: .timeout,
           source: "local t = {} for i = 1, 200 do t[i] = i end while true do select('#', table.unpack(t)) end"),
    // a wall-time budget past the end of int64 nanoseconds saturates instead of wrapping into the past
    Attack(name: "hugeWallTimeBudgetStillCountsInstructions", code: .timeout, source: loop,
           limits: SandboxLimits(instructions: 1_000_000, memoryBytes: 4 << 20,
                                 wallTimeMilliseconds: 107_000 * 86_400_000)),
    Attack(name: "maximalWallTimeBudgetStillCountsInstructions", code: .timeout, source: loop,
           limits: SandboxLimits(instructions: 1_000_000, memoryBytes: 4 << 20, wallTimeMilliseconds: .max)),
]

@Suite struct LibraryWorkAttackTests {
    @Test(arguments: libraryWorkAttacks)
    func libraryWorkIsChargedAndTheHostSurvives(_ attack: Attack) throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration(limits: attack.limits, randomSeed: 1))
        let clock = ContinuousClock()
        let start = clock.now
        let policy = try sandbox.load(source: attack.policy, chunkName: "attack.lua")
        do throws(SandboxError) {
            _ = try sandbox.call(policy, function: "run", arguments: [])
            Issue.record("\(attack.name): expected \(attack.code.rawValue), but it succeeded")
        } catch {
            #expect(error.code == attack.code, "\(attack.name): \(error)")
            if attack.code == .timeout {
                let wall = attack.limits.instructions > 1 << 40
                #expect(error.message.hasPrefix(wall ? "wall-time budget" : "instruction budget"), "\(error.message)")
            }
        }
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(2), "\(attack.name) took \(elapsed)")
        if let margin = attack.instructionMargin {
            #expect(sandbox.lastCallStatistics.instructions <= attack.limits.instructions + margin)
        }
        #expect(sandbox.lastCallStatistics.peakMemoryBytes <= attack.limits.memoryBytes + Attack.memoryMargin)
        #expect(try sandbox.call(policy, function: "ok", arguments: []) == [42])
    }

    /// `require` returns the module read-only at every depth, as docs/sandbox.md says.
    @Test func nestedModuleTablesAreReadOnly() throws {
        let root = "/tmp/halo-sandbox-readonly-\(getpid())"
        mkdir(root, 0o755)
        let file = fopen(root + "/kit.lua", "w")!
        fputs("""
            local M = { version = 1 }
            local actions = { halt = function() return "halt" end }
            M.actions = actions
            M.nested = { deeper = { x = 1 }, list = { 1, 2, 3 } }
            M.self = M
            function M.act() return actions.halt() end
            return M
            """, file)
        fclose(file)
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration(moduleRoots: [root], randomSeed: 1))
        let policy = try sandbox.load(source: """
            local kit = require "kit"
            return {
              read = function()
                local n = 0
                for _ in pairs(kit.nested.list) do n = n + 1 end
                return kit.actions.halt(), kit.nested.deeper.x, #kit.nested.list, n, kit.act(), kit.self.version,
                       kit.self == kit
              end,
              assignTop = function() kit.actions = {} end,
              assignNested = function() kit.actions.halt = print end,
              assignDeeper = function() kit.nested.deeper.x = 2 end,
              assignList = function() kit.nested.list[4] = 4 end,
              rawsetNested = function() rawset(kit.actions, "halt", print) end,
              viaSelf = function() kit.self.actions.halt = print end,
              setmetatableNested = function() setmetatable(kit.nested, {}) end,
            }
            """, chunkName: "kit-user.lua")
        #expect(try sandbox.call(policy, function: "read", arguments: []) == ["halt", 1, 3, 3, "halt", 1, true])
        for name in ["assignTop", "assignNested", "assignDeeper", "assignList", "rawsetNested", "viaSelf", "setmetatableNested"] {
            do throws(SandboxError) {
                _ = try sandbox.call(policy, function: name, arguments: [])
                Issue.record("\(name) wrote a module table")
            } catch {
                #expect(error.code == .forbidden, "\(name): \(error)")
            }
        }
        #expect(try sandbox.call(policy, function: "read", arguments: []) == ["halt", 1, 3, 3, "halt", 1, true])
    }

    /// Marshalled read-only tables are light proxies (one shared metatable): everything a
    /// script can do with them reads the contents, nothing reaches the writable backing.
    @Test func nextOverAReadOnlyTableSeesItsContents() throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration(randomSeed: 1))
        let policy = try sandbox.load(source: """
            return {
              run = function(ctx)
                local keys = {}
                local k, v = next(ctx.inner)
                while k ~= nil do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) k, v = next(ctx.inner, k) end
                table.sort(keys)
                local n = 0
                for _ in pairs(ctx.list) do n = n + 1 end
                return table.concat(keys, ","), #ctx.list, n, ctx.list[2], rawget(ctx.inner, "a"), getmetatable(ctx) == getmetatable(ctx.inner),
                       table.concat(ctx.list, "+"), select("#", table.unpack(ctx.list))
              end,
              write = function(ctx) ctx.inner.a = 2 end,
              rawWrite = function(ctx) rawset(ctx.inner, "a", 2) end,
              meta = function(ctx) setmetatable(ctx.inner, nil) end,
              insert = function(ctx) table.insert(ctx.list, 4) end,
            }
            """, chunkName: "light.lua")
        let ctx = LuaValue.table(LuaTable(dictionary: ["inner": .table(LuaTable(dictionary: ["a": 1, "b": "x"])),
                                                      "list": .table(LuaTable(array: [1, 2, 3]))], frozen: true))
        #expect(try sandbox.call(policy, function: "run", arguments: [ctx]) == ["a=1,b=x", 3, 3, 2, .nil, true, "1+2+3", 3])
        for name in ["write", "rawWrite", "meta", "insert"] {
            do throws(SandboxError) {
                _ = try sandbox.call(policy, function: name, arguments: [ctx])
                Issue.record("\(name) wrote a read-only table")
            } catch {
                #expect(error.code == .forbidden, "\(name): \(error)")
            }
        }
    }
}
