import Testing
@testable import LuaSandbox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A toy money type: an Int64 count of cents as an 8-byte userdata payload.
enum Money {
    static func value(_ cents: Int64) -> LuaValue {
        .userdata(LuaUserdata(typeName: "money", bytes: withUnsafeBytes(of: cents) { Array($0) }))
    }

    static func cents(_ call: LuaHostCall, _ index: Int) throws(LuaHostError) -> Int64 {
        if let cents = call.withUserdataPayload(index, type: "money", { $0.loadUnaligned(as: Int64.self) }) {
            return cents
        }
        if let integer = call.integer(index) { return integer * 100 }
        throw LuaHostError("money expected")
    }

    static func register(in sandbox: LuaSandbox) throws {
        try sandbox.registerUserdataType(
            name: "money", payloadSize: 8,
            metamethods: [
                "__add": { call throws(LuaHostError) in
                    call.results = [value(try cents(call, 1) + cents(call, 2))]
                },
                "__eq": { call throws(LuaHostError) in call.results = [.boolean(try cents(call, 1) == cents(call, 2))] },
                "__lt": { call throws(LuaHostError) in call.results = [.boolean(try cents(call, 1) < cents(call, 2))] },
                "__tostring": { call throws(LuaHostError) in
                    let c = try cents(call, 1)
                    let fraction = String(c % 100)
                    call.results = [.string("\(c / 100).\(fraction.count == 1 ? "0" + fraction : fraction)")]
                },
            ],
            methods: ["cents": { call throws(LuaHostError) in call.results = [.integer(try cents(call, 1))] }])
        try sandbox.registerModule(
            name: "halo.host",
            functions: [
                "money": { call throws(LuaHostError) in
                    guard let c = call.integer(1) else { throw LuaHostError("integer cents expected") }
                    call.results = [value(c)]
                },
                "deny": { _ throws(LuaHostError) in throw LuaHostError("denied by host", code: .forbidden) },
                "echo": { call in call.results = (1...max(call.argumentCount, 1)).map { call.argument($0) } },
            ])
    }
}

func makeSandbox(_ configuration: SandboxConfiguration = SandboxConfiguration(randomSeed: 42)) throws -> LuaSandbox {
    let sandbox = try LuaSandbox(configuration: configuration)
    try Money.register(in: sandbox)
    return sandbox
}

@Suite struct LuaSandboxTests {
    @Test func hostFunctionsAndUserdataWork() throws {
        let sandbox = try makeSandbox()
        let policy = try sandbox.load(source: """
            local host = require "halo.host"
            return { run = function(a)
              local b = host.money(250)
              local sum = a + b
              return sum, tostring(sum), sum == host.money(400), a < b, b < a, sum:cents(), a + 1
            end,
            inCoroutine = function() return coroutine.wrap(function() return host.money(1) + host.money(2) end)() end }
            """, chunkName: "money.lua")
        let results = try sandbox.call(policy, function: "run", arguments: [Money.value(150)])
        #expect(results == [Money.value(400), "4.00", true, true, false, 400, Money.value(250)])
        #expect(try sandbox.call(policy, function: "inCoroutine", arguments: []) == [Money.value(3)])
        sandbox.release(policy)
        sandbox.release(policy)  // a second release is ignored
        let again = try sandbox.load(source: "return { f = function() return 1 end }", chunkName: "again.lua")
        let other = try sandbox.makeTable(LuaTable(array: [1]))
        #expect(again != other)
        #expect(try sandbox.call(again, function: "f", arguments: []) == [1])
    }

    @Test func userdataMetatableIsProtected() throws {
        let sandbox = try makeSandbox()
        let policy = try sandbox.load(source: """
            return { run = function(m) getmetatable(m).__index = {} end,
                     peek = function(m) return type(getmetatable(m)), m.cents ~= nil end }
            """, chunkName: "udata.lua")
        #expect(try sandbox.call(policy, function: "peek", arguments: [Money.value(1)]) == ["table", true])
        #expect(throws: SandboxError.self) { try sandbox.call(policy, function: "run", arguments: [Money.value(1)]) }
        do { _ = try sandbox.call(policy, function: "run", arguments: [Money.value(1)]) } catch {
            #expect(error.code == .forbidden)
        }
    }

    @Test func badUserdataFromTheHostIsAnError() throws {
        let sandbox = try makeSandbox()
        try sandbox.registerModule(name: "bad", functions: [
            "short": { call in call.results = [.userdata(LuaUserdata(typeName: "money", bytes: [1, 2]))] },
            "unknown": { call in call.results = [.userdata(LuaUserdata(typeName: "nope", bytes: []))] },
        ])
        let policy = try sandbox.load(source: """
            local bad = require "bad"
            return { short = function() return bad.short() end, unknown = function() return bad.unknown() end }
            """, chunkName: "bad.lua")
        for function in ["short", "unknown"] {
            do {
                _ = try sandbox.call(policy, function: function, arguments: [])
                Issue.record("\(function) succeeded")
            } catch { #expect(error.code == .policyError, "\(error)") }
        }
        #expect(throws: SandboxError.self) {
            try sandbox.call(policy, function: "short", arguments: [.userdata(LuaUserdata(typeName: "money", bytes: [1]))])
        }
    }

    @Test func hostErrorsAreRaisedWithLocationAndCode() throws {
        let sandbox = try makeSandbox()
        let policy = try sandbox.load(source: """
            local host = require "halo.host"
            return {
              bad = function() return host.money("x") end,
              deny = function() host.deny() end,
              caught = function() return pcall(host.money, "x") end,
            }
            """, chunkName: "host.lua")
        do { _ = try sandbox.call(policy, function: "bad", arguments: []) } catch {
            #expect(error.code == .policyError)
            #expect(error.chunk == "host.lua")
            #expect(error.line == 3)
            #expect(error.message == "integer cents expected")
        }
        do { _ = try sandbox.call(policy, function: "deny", arguments: []) } catch {
            #expect(error.code == .forbidden)
            #expect(error.message == "denied by host")
        }
        let caught = try sandbox.call(policy, function: "caught", arguments: [])
        #expect(caught.first == false)
    }

    @Test func valuesRoundTripThroughHostFunctions() throws {
        let sandbox = try makeSandbox()
        let policy = try sandbox.load(source: """
            local host = require "halo.host"
            return { run = function(...) return host.echo(...) end }
            """, chunkName: "echo.lua")
        let nested = LuaTable(entries: [
            .init(key: 1, value: "a"), .init(key: 2, value: 2.5),
            .init(key: "inner", value: .table(LuaTable(dictionary: ["x": true, "m": Money.value(7)]))),
        ])
        let arguments: [LuaValue] = [.nil, true, 42, -0.5, "bytes\u{0}here", .table(nested)]
        #expect(try sandbox.call(policy, function: "run", arguments: arguments) == arguments)
    }

    @Test func frozenTablesRejectWritesAndStillRead() throws {
        let sandbox = try makeSandbox()
        let policy = try sandbox.load(source: """
            return {
              read = function(ctx)
                local n, keys = 0, 0
                for _, v in ipairs(ctx.list) do n = n + v end
                for k in pairs(ctx.params) do keys = keys + 1 end
                return ctx.params.name, #ctx.list, n, keys, table.concat(ctx.list, ",")
              end,
              write = function(ctx) ctx.params.name = "evil" end,
              insert = function(ctx) table.insert(ctx.list, 4) end,
            }
            """, chunkName: "frozen.lua")
        let ctx = LuaValue.table(LuaTable(dictionary: [
            "params": .table(LuaTable(dictionary: ["name": "tbill", "tolerance": "0.01"])),
            "list": .table(LuaTable(array: [1, 2, 3])),
        ], frozen: true))
        #expect(try sandbox.call(policy, function: "read", arguments: [ctx]) == ["tbill", 3, 6, 2, "1,2,3"])
        for function in ["write", "insert"] {
            do {
                _ = try sandbox.call(policy, function: function, arguments: [ctx])
                Issue.record("\(function) succeeded")
            } catch { #expect(error.code == .forbidden, "\(error)") }
        }
    }

    @Test func stateTableRoundTripsAndPersists() throws {
        let sandbox = try makeSandbox()
        let state = try sandbox.makeTable(LuaTable(dictionary: ["count": 1]))
        let policy = try sandbox.load(source: """
            return { bump = function(ctx) ctx.state.count = ctx.state.count + 1; ctx.state.seen = "yes" return ctx.state.count end }
            """, chunkName: "state.lua")
        let ctx = LuaValue.table(LuaTable(dictionary: ["state": .reference(state)], frozen: true))
        #expect(try sandbox.call(policy, function: "bump", arguments: [ctx]) == [2])
        #expect(try sandbox.call(policy, function: "bump", arguments: [ctx]) == [3])
        #expect(sandbox.value(of: state) == .table(LuaTable(dictionary: ["count": 3, "seen": "yes"])))
        sandbox.release(state)
    }

    @Test func requireFindsModulesUnderTheRootsOnly() throws {
        let root = "/tmp/halo-sandbox-tests-\(getpid())"
        mkdir(root, 0o755)
        mkdir(root + "/util", 0o755)
        let file = fopen(root + "/util/text.lua", "w")!
        fputs("local M = {} function M.shout(s) return s:upper() .. '!' end return M\n", file)
        fclose(file)
        let sandbox = try makeSandbox(SandboxConfiguration(moduleRoots: [root]))
        let policy = try sandbox.load(source: """
            local text = require "util.text"
            return {
              run = function() return text.shout("hi"), require("util.text") == text end,
              missing = function() return require "util.nothing" end,
              patch = function() text.shout = print end,
            }
            """, chunkName: "req.lua")
        #expect(try sandbox.call(policy, function: "run", arguments: []) == ["HI!", true])
        do { _ = try sandbox.call(policy, function: "missing", arguments: []) } catch {
            #expect(error.code == .policyError)
            #expect(error.message.contains("not found"))
        }
        do { _ = try sandbox.call(policy, function: "patch", arguments: []) } catch {
            #expect(error.code == .forbidden)
        }
    }

    @Test func printIsCaptured() throws {
        let sandbox = try makeSandbox()
        let policy = try sandbox.load(source: "print('loading') return { run = function(x) print('x =', x, nil) end }", chunkName: "print.lua")
        _ = try sandbox.call(policy, function: "run", arguments: [5])
        #expect(sandbox.printedLines == ["loading", "x =\t5\tnil"])
        sandbox.clearPrintedLines()
        #expect(sandbox.printedLines.isEmpty)
    }

    @Test func osTimeAndDateReadTheInjectedClock() throws {
        let sandbox = try makeSandbox()
        let policy = try sandbox.load(source: """
            return { run = function()
              return os.time(), os.date("!%Y-%m-%dT%H:%M:%SZ"), os.date("%Y"), os.date("*t").hour,
                     os.time({ year = 2026, month = 3, day = 2, hour = 0 })
            end }
            """, chunkName: "clock.lua")
        sandbox.clock = 1_772_413_200  // 2026-03-02T01:00:00Z
        #expect(try sandbox.call(policy, function: "run", arguments: [])
            == [1_772_413_200, "2026-03-02T01:00:00Z", "2026", 1, 1_772_409_600])
    }

    @Test func mathRandomIsDeterministic() throws {
        let source = "return { run = function() return math.random(1, 1000000), math.random() end }"
        let first = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let second = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let a = try first.call(first.load(source: source, chunkName: "r.lua"), function: "run", arguments: [])
        let policy = try second.load(source: source, chunkName: "r.lua")
        #expect(try second.call(policy, function: "run", arguments: []) == a)
        #expect(try second.call(policy, function: "run", arguments: []) == a)  // every call starts the same sequence
        let other = try makeSandbox(SandboxConfiguration(randomSeed: 8))
        #expect(try other.call(other.load(source: source, chunkName: "r.lua"), function: "run", arguments: []) != a)
    }

    @Test func errorsCarryChunkAndLine() throws {
        let sandbox = try makeSandbox()
        do {
            _ = try sandbox.load(source: "local x = 1\nlocal y = = 2\n", chunkName: "syntax.lua")
            Issue.record("no syntax error")
        } catch {
            #expect(error.code == .policyError)
            #expect(error.chunk == "syntax.lua")
            #expect(error.line == 2)
        }
        let policy = try sandbox.load(source: "return {\nrun = function(t)\n\n  return t.missing.field\nend }", chunkName: "runtime.lua")
        do { _ = try sandbox.call(policy, function: "run", arguments: [.table(LuaTable())]) } catch {
            #expect(error.code == .policyError)
            #expect(error.chunk == "runtime.lua")
            #expect(error.line == 4)
            #expect(error.description.hasPrefix("policy-error: runtime.lua:4: attempt to index"))
        }
        do { _ = try sandbox.call(policy, function: "absent", arguments: []) } catch {
            #expect(error.code == .policyError)
        }
        #expect(sandbox.hasFunction(policy, named: "run"))
        #expect(!sandbox.hasFunction(policy, named: "absent"))
    }

    @Test func ordinaryLuaStillWorks() throws {
        let sandbox = try makeSandbox()
        let policy = try sandbox.load(source: """
            local function gen(n) return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) end
            return { run = function()
              local sum = 0
              for v in gen(10) do sum = sum + v end
              local co = coroutine.create(function() local ok, v = pcall(coroutine.yield, 5) return v end)
              local _, first = coroutine.resume(co)
              local _, second = coroutine.resume(co, 6)
              local closed = false
              pcall(coroutine.wrap(function()
                local c <close> = setmetatable({}, {__close = function() closed = true end})
                error("fails")
              end))
              assert(closed, "__close of a failed wrapped coroutine did not run")
              local f = load("return 1 + ...")
              local env = { x = 3 }
              local g = load("return x", "g", "t", env)
              local t = {5, 3, 9}; table.sort(t)
              return sum, first, second, f(1), g(), table.concat(t, " "), ("a,b"):gsub(",", ";"),
                     string.format("%5.2f|%s", 1.5, "s"), type(collectgarbage("count")), utf8.len("héllo"),
                     getmetatable("") ~= nil, select("#", table.unpack({1, 2, 3}))
            end }
            """, chunkName: "lua.lua")
        let results = try sandbox.call(policy, function: "run", arguments: [])
        #expect(results == [55, 5, 6, 2, 3, "3 5 9", "a;b", " 1.50|s", "number", 5, true, 3])
    }

    @Test func instructionCountsAreTheSameOnFreshAndWarmStates() throws {
        let source = """
            local function deep(n) if n == 0 then return 0 end return 1 + deep(n - 1) end
            return {
              work = function() local s = string.rep("x", 5000) local t = {} for i = 1, 300 do t[i] = s .. i end return deep(300) end,
              warm = function() deep(20000) local g = {} for i = 1, 1e4 do g[i] = tostring(i) end end,
            }
            """
        let fresh = try makeSandbox()
        _ = try fresh.call(fresh.load(source: source, chunkName: "w.lua"), function: "work", arguments: [])
        let expected = fresh.lastCallStatistics.instructions
        let warm = try makeSandbox()
        let policy = try warm.load(source: source, chunkName: "w.lua")
        for _ in 0..<3 {
            _ = try warm.call(policy, function: "warm", arguments: [])
            _ = try warm.call(policy, function: "work", arguments: [])
            #expect(warm.lastCallStatistics.instructions == expected)
        }
    }

    @Test func limitsApplyAndStatisticsAreReported() throws {
        let sandbox = try makeSandbox()
        let policy = try sandbox.load(source: "return { run = function(n) local s = 0 for i = 1, n do s = s + i end return s end }", chunkName: "n.lua")
        #expect(try sandbox.call(policy, function: "run", arguments: [1000]) == [500500])
        let small = sandbox.lastCallStatistics.instructions
        sandbox.limits.instructions = 100_000
        do { _ = try sandbox.call(policy, function: "run", arguments: [1_000_000]) } catch { #expect(error.code == .timeout) }
        sandbox.limits = .default
        #expect(try sandbox.call(policy, function: "run", arguments: [1000]) == [500500])
        #expect(sandbox.lastCallStatistics.instructions == small)  // deterministic
        #expect(sandbox.memoryInUse > 0)
    }
}

@Suite struct ReentrancyTests {
    final class Box { var sandbox: LuaSandbox?; var policy: LuaReference?; var error: SandboxError? }

    @Test func hostFunctionsCannotReenterTheSandbox() throws {
        let box = Box()
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration())
        try sandbox.registerModule(name: "reenter", functions: ["go": { _ in
            do throws(SandboxError) { _ = try box.sandbox!.call(box.policy!, function: "spin", arguments: []) } catch { box.error = error }
        }])
        box.sandbox = sandbox
        box.policy = try sandbox.load(source: """
            return { run = function() require("reenter").go() return 1 end, spin = function() while true do end end }
            """, chunkName: "re.lua")
        #expect(try sandbox.call(box.policy!, function: "run", arguments: []) == [1])
        #expect(box.error?.code == .policyError)
        box.sandbox = nil
    }
}

@Suite struct SandboxConfigurationTests {
    /// A refused configuration must not close the Lua state twice (init throws, deinit closes).
    @Test func relativeModuleRootIsRefusedWithoutCrashing() {
        var configuration = SandboxConfiguration()
        configuration.moduleRoots = ["relative/stdlib"]
        #expect {
            _ = try LuaSandbox(configuration: configuration)
        } throws: { error in
            (error as? SandboxError)?.code == .policyError
        }
    }
}
