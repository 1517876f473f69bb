import Testing
@testable import LuaSandbox

/// One hostile script: run as `P.run()` (or as the chunk's top level when `atLoad`),
/// expected to fail with exactly `code`, after which the same sandbox must still work.
struct Attack: Sendable, CustomTestStringConvertible {
    var name: String
    var code: SandboxErrorCode
    var source: String
    var atLoad = false
    var prelude = ""
    var limits = Attack.limits
    /// Allowed instruction units beyond the budget: one hook period plus the re-armed kill
    /// (nil: not asserted, e.g. for the wall-time backstop with an unlimited budget).
    var instructionMargin: Int? = 1100

    static let limits = SandboxLimits(instructions: 1_000_000, memoryBytes: 4 << 20, wallTimeMilliseconds: 2000)
    /// Memory a killed call may use past the cap while it unwinds (HALO_KILL_SLACK).
    static let memoryMargin = 256 << 10

    var testDescription: String { name }

    var policy: String {
        if atLoad { return prelude + "\n" + source + "\nreturn { ok = function() return 42 end }" }
        return """
            local P = {}
            \(prelude)
            function P.run()
            \(source)
            end
            function P.ok() return 42 end
            return P
            """
    }
}

let loop = "while true do end"

let attacks: [Attack] = [
    // CPU
    Attack(name: "loopTopLevel", code: .timeout, source: loop, atLoad: true),
    Attack(name: "loopInFunction", code: .timeout, source: loop),
    Attack(name: "loopInCoroutineCreatedBeforeTheCall", code: .timeout, source: "spin()",
           prelude: "local spin = coroutine.wrap(function() while true do end end)"),
    Attack(name: "loopInCoroutineCaughtByResume", code: .timeout,
           source: "local ok = coroutine.resume(coroutine.create(function() while true do end end)) return ok"),
    Attack(name: "loopInPcallRetry", code: .timeout,
           source: "while true do pcall(function() while true do end end) end"),
    Attack(name: "loopInXpcallRetry", code: .timeout,
           source: "while true do xpcall(function() while true do end end, function(e) return e end) end"),
    Attack(name: "loopInXpcallHandler", code: .timeout,
           source: "xpcall(function() error('x') end, function() while true do end end)"),
    Attack(name: "loopInWrappedCoroutineUnderPcall", code: .timeout,
           source: "while true do pcall(coroutine.wrap(function() while true do end end)) end"),
    Attack(name: "loopInClose", code: .timeout,
           source: "do local x <close> = setmetatable({}, {__close = function() while true do end end}) end"),
    Attack(name: "loopInCloseAfterKill", code: .timeout,
           source: "local x <close> = setmetatable({}, {__close = function() while true do end end}) while true do end"),
    Attack(name: "loopInGcFinalizer", code: .forbidden,
           source: "setmetatable({}, {__gc = function() while true do end end}) collectgarbage('count')"),
    Attack(name: "loopInTostringOfErrorObject", code: .policyError,
           source: "error(setmetatable({}, {__tostring = function() while true do end end}))"),
    Attack(name: "loopInTostringCalledByScript", code: .timeout,
           source: "local _, e = pcall(error, setmetatable({}, {__tostring = function() while true do end end})) return tostring(e)"),
    Attack(name: "wallTimeBackstop", code: .timeout, source: loop,
           limits: SandboxLimits(instructions: 1 << 50, memoryBytes: 4 << 20, wallTimeMilliseconds: 100),
           instructionMargin: nil),
    // memory
    Attack(name: "memoryConcatDoubling", code: .memory, source: "local s = 'x' while true do s = s .. s end"),
    Attack(name: "memoryConcatDoublingInPcallRetry", code: .memory,
           source: "while true do pcall(function() local s = 'x' while true do s = s .. s end end) end"),
    Attack(name: "memoryStringRepHuge", code: .memory, source: "return string.rep('x', 1e9)"),
    Attack(name: "memoryStringRepHugeWithSeparator", code: .memory, source: "return string.rep('x', 1e8, 'yyyy')"),
    Attack(name: "memoryTableGrowth", code: .memory, source: "local t = {} local i = 0 while true do i = i + 1 t[i] = i end"),
    Attack(name: "memoryDeepRecursion", code: .memory,
           source: "local function f(n) return f(n + 1) + 1 end return f(1)"),
    Attack(name: "memoryDeepRecursionInPcallRetry", code: .memory,
           source: "local function f(n) return f(n + 1) + 1 end while true do pcall(f, 1) end"),
    Attack(name: "memoryInErrorHandler", code: .memory,
           source: "xpcall(error, function() local t = {} for i = 1, 1e9 do t[i] = i end end)"),
    Attack(name: "memoryFormatHugeResults", code: .memory,
           source: "local s = string.rep('x', 1e5) local t = {} while true do t[#t + 1] = string.format('%s%s', s, s) end"),
    Attack(name: "memoryTableConcatHuge", code: .memory,
           source: "local t = {} for i = 1, 100 do t[i] = string.rep('x', 1e5) end return #table.concat(t)"),
    // the stack cannot grow past the cap: Lua reports "too many results" (a refusal, not an abort)
    Attack(name: "hugeUnpackNearStackLimit", code: .policyError, source: "return select('#', table.unpack({}, 1, 9e5))"),
    // C functions the hook cannot interrupt
    Attack(name: "patternFindBacktracking", code: .timeout,
           source: "return string.find(string.rep('a', 1e4), '.-.-.-.-b')"),
    Attack(name: "patternMatchBacktracking", code: .timeout,
           source: "return string.match(string.rep('a', 3e3), '(.-)(.-)(.-)x')"),
    Attack(name: "patternGsubBacktracking", code: .timeout,
           source: "return string.gsub(string.rep('a', 1e5), 'a-b', '')"),
    Attack(name: "patternGmatchBacktracking", code: .timeout,
           source: "for m in string.gmatch(string.rep('a', 1e4), 'a*a*a*b') do end"),
    Attack(name: "patternPlainFindLongNeedleLoop", code: .timeout,
           source: "local s = string.rep('a', 1e5) local n = string.rep('a', 5e4) .. 'b' while true do s:find(n, 1, true) end",
           ),
    Attack(name: "stringRepEmptyHugeCount", code: .policyError,
           source: "local s = string.rep('', 1e15, '') error('returned ' .. #s)"),
    Attack(name: "tableMoveHuge", code: .timeout, source: "table.move({}, 1, 1e15, 2)"),
    Attack(name: "utf8ScanLoop", code: .timeout,
           source: "local s = string.rep('a', 2e6) while true do utf8.len(s) end"),
    Attack(name: "largeCopyLoop", code: .timeout,
           source: "local s = string.rep('x', 1e6) while true do local t = s .. 'y' end",
           // the allocator cannot raise: the kill comes one allocation's charge (1 MB / 64) late
           instructionMargin: 1100 + 16_500),
    Attack(name: "tableInsertHugeLen", code: .timeout,
           source: "table.insert(setmetatable({}, {__len = function() return 1e15 end}), 1, 'x')"),
    Attack(name: "tableRemoveHugeLen", code: .timeout,
           source: "table.remove(setmetatable({}, {__len = function() return 1e15 end}), 1)"),
    Attack(name: "loadHugeSourceLoop", code: .timeout,
           source: "local src = 'return ' .. string.rep('1 + ', 2e5) .. '1' while true do load(src) end"),
    Attack(name: "hugeTableUnpack", code: .policyError, source: "return table.unpack({}, 1, 1e8)"),
    Attack(name: "formatHugeWidth", code: .policyError, source: "return string.format('%099999d', 1)"),
    Attack(name: "errorInErrorHandler", code: .policyError,
           source: "local _, e = xpcall(function() error('a') end, function(m) error(m) end) error(e)"),
    // CVE-shaped: each must end in an ordinary error, never a crash
    Attack(name: "cveDeepCoroutineCloseNesting", code: .policyError, source: """
        local coro = false
        for i = 1, 1000 do
          local previous = coro
          coro = coroutine.create(function()
            local cc <close> = setmetatable({}, {__close = function() if previous then assert(coroutine.close(previous)) end end})
            coroutine.yield()
          end)
          assert(coroutine.resume(coro))
        end
        coroutine.close(coro)
        error("survived")
        """),
    Attack(name: "cveErrorWhileHandlingCStackOverflow", code: .policyError,
           source: "local function loop() assert(pcall(loop)) end local _, m = xpcall(loop, loop) error(m)"),
    Attack(name: "cveConstEnv", code: .policyError, source: "local _ENV <const> = { x = 1 } error(tostring(x))"),
    Attack(name: "cveNestedResumeRecursion", code: .policyError,
           source: "local function f() coroutine.wrap(f)() end f()"),
    Attack(name: "cveErrorHandlerRecursion", code: .policyError,
           source: "local function h(m) return select(2, xpcall(error, h)) end error(select(2, xpcall(error, h)))"),
    // removed capabilities
    Attack(name: "loadBytecodeString", code: .forbidden, source: "return load('\\27Lua\\x54\\0')"),
    Attack(name: "loadBinaryMode", code: .forbidden, source: "return load('return 1', 'x', 'b')"),
    Attack(name: "loadBytecodeFromReader", code: .forbidden,
           source: "local done = false return load(function() if done then return nil end done = true return '\\27Lua' end)"),
    Attack(name: "loadEnvEscape", code: .forbidden,
           source: "return load('return 1', 'x', 't', setmetatable({}, {__index = _G}))"),
    Attack(name: "stringDump", code: .forbidden, source: "return string.dump(function() end)"),
    Attack(name: "reachIo", code: .forbidden, source: "return io.open('/etc/passwd')"),
    Attack(name: "reachOsExecute", code: .forbidden, source: "return os.execute('true')"),
    Attack(name: "reachOsGetenv", code: .forbidden, source: "return os.getenv('HOME')"),
    Attack(name: "reachDebug", code: .forbidden, source: "return debug.getinfo(1)"),
    Attack(name: "reachPackage", code: .forbidden, source: "return package.loadlib('libc.so.6', 'system')"),
    Attack(name: "reachDofile", code: .forbidden, source: "return dofile('/etc/passwd')"),
    Attack(name: "reachLoadfile", code: .forbidden, source: "return loadfile('/etc/passwd')"),
    Attack(name: "requireTraversal", code: .forbidden, source: "return require '../../etc/passwd'"),
    Attack(name: "requireAbsolutePath", code: .forbidden, source: "return require '/etc/passwd'"),
    Attack(name: "requireOs", code: .forbidden, source: "return require 'os'"),
    Attack(name: "requireDebug", code: .forbidden, source: "return require 'debug'"),
    Attack(name: "collectgarbageDuringLoad", code: .forbidden,
           source: "assert(load(function() collectgarbage('collect') return nil end))"),
    Attack(name: "collectgarbageStop", code: .forbidden, source: "collectgarbage('stop')"),
    Attack(name: "formatPointer", code: .forbidden, source: "return string.format('%p', {})"),
    // shared state
    Attack(name: "stringMetatableTampering", code: .forbidden,
           source: "getmetatable('').__index = { upper = function() return 'pwned' end }"),
    Attack(name: "stringMetatableReplace", code: .forbidden, source: "setmetatable(getmetatable(''), {})"),
    Attack(name: "writeFrozenLibrary", code: .forbidden, source: "string.upper = function() return 'pwned' end"),
    Attack(name: "writeFrozenMath", code: .forbidden, source: "math.pi = 3"),
    Attack(name: "rawsetLibrary", code: .forbidden, source: "rawset(string, 'upper', print)"),
    Attack(name: "setmetatableOnEnvironment", code: .forbidden, source: "setmetatable(_G, {})"),
    Attack(name: "rawsetOnEnvironment", code: .forbidden, source: "rawset(_ENV, 'persist', true)"),
]

@Suite struct AttackTests {
    @Test(arguments: attacks)
    func attackFailsWithExactCodeAndHostSurvives(_ attack: Attack) throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration(limits: attack.limits, randomSeed: 1))
        let healthy = try sandbox.load(source: "return { ok = function() return 42 end }", chunkName: "healthy.lua")
        let clock = ContinuousClock()
        let start = clock.now
        var policy: LuaReference?
        var lastError: SandboxError?
        do throws(SandboxError) {
            if attack.atLoad {
                _ = try sandbox.load(source: attack.policy, chunkName: "attack.lua")
            } else {
                policy = try sandbox.load(source: attack.policy, chunkName: "attack.lua")
                _ = try sandbox.call(policy!, function: "run", arguments: [])
            }
            Issue.record("\(attack.name): expected \(attack.code.rawValue), but it succeeded")
        } catch {
            #expect(error.code == attack.code, "\(attack.name): \(error)")
            lastError = error
        }
        let elapsed = clock.now - start
        let statistics = sandbox.lastCallStatistics
        print("attack \(attack.name): instructions \(statistics.instructions) peak \(statistics.peakMemoryBytes) elapsed \(elapsed)")
        #expect(elapsed < .seconds(2), "\(attack.name) took \(elapsed)")
        if attack.code == .timeout {
            let wall = attack.limits.instructions > 1 << 40
            #expect(lastError?.message.hasPrefix(wall ? "wall-time budget" : "instruction budget") == true, "\(lastError?.message ?? "")")
        }
        if attack.code == .timeout, let margin = attack.instructionMargin {
            #expect(statistics.instructions <= attack.limits.instructions + margin)
        }
        #expect(statistics.peakMemoryBytes <= attack.limits.memoryBytes + Attack.memoryMargin)
        // the host survives: the same sandbox serves normal calls
        #expect(try sandbox.call(healthy, function: "ok", arguments: []) == [42])
        if let policy { #expect(try sandbox.call(policy, function: "ok", arguments: []) == [42]) }
        #expect(sandbox.memoryInUse < attack.limits.memoryBytes)
    }

    @Test func oneSandboxSurvivesEveryAttackInTurn() throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration(randomSeed: 1))
        let healthy = try sandbox.load(source: "return { ok = function() return 42 end }", chunkName: "healthy.lua")
        _ = try sandbox.call(healthy, function: "ok", arguments: [])
        let baseline = sandbox.memoryInUse
        for round in 0..<2 {
            for attack in attacks {
                sandbox.limits = attack.limits
                do {
                    if attack.atLoad {
                        _ = try sandbox.load(source: attack.policy, chunkName: "attack.lua")
                    } else {
                        let policy = try sandbox.load(source: attack.policy, chunkName: "attack.lua")
                        defer { sandbox.release(policy) }
                        _ = try sandbox.call(policy, function: "run", arguments: [])
                    }
                    Issue.record("\(attack.name) succeeded in round \(round)")
                } catch {
                    #expect(error.code == attack.code, "\(attack.name): \(error)")
                }
                sandbox.limits = .default
                #expect(try sandbox.call(healthy, function: "ok", arguments: []) == [42], "after \(attack.name)")
            }
        }
        // what is left is the require cache and tostring ids, not the attacks' garbage
        #expect(sandbox.memoryInUse < baseline + 64 << 10, "baseline \(baseline), now \(sandbox.memoryInUse)")
    }

    @Test func handlersDoNotRunAfterAKill() throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration(limits: Attack.limits))
        let policy = try sandbox.load(source: """
            return { run = function()
              local ok = pcall(function()
                xpcall(function() while true do end end, function(e) print("handler ran") return e end)
              end)
              print("pcall returned", ok)
            end }
            """, chunkName: "handlers.lua")
        do {
            _ = try sandbox.call(policy, function: "run", arguments: [])
            Issue.record("no timeout")
        } catch {
            #expect(error.code == .timeout)
        }
        #expect(sandbox.printedLines.isEmpty, "\(sandbox.printedLines)")
    }

    @Test func loadedChunksCannotReachPolicyGlobals() throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration())
        let policy = try sandbox.load(source: """
            secret = "policy"
            return { run = function()
              local f = load("leak = true return secret, type(string), rawequal(_G, _ENV)")
              local a, b, c = f()
              local env = {}
              local g = load("x = 1 return x", "g", "t", env)
              return a, b, c, leak, g(), env.x
            end }
            """, chunkName: "load.lua")
        #expect(try sandbox.call(policy, function: "run", arguments: []) == [.nil, "table", false, .nil, 1, 1])
    }

    @Test func globalPollutionDoesNotPersistIntoTheNextCall() throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration())
        let policy = try sandbox.load(source: """
            helper = 7
            local P = {}
            function P.pollute() leaked = true; print = nil; helper = 8; _G.other = 1 end
            function P.check()
              if leaked ~= nil or other ~= nil then error("global leaked into the next call") end
              if print == nil then error("print stayed removed") end
              return helper
            end
            return P
            """, chunkName: "pollute.lua")
        _ = try sandbox.call(policy, function: "pollute", arguments: [])
        #expect(try sandbox.call(policy, function: "check", arguments: []) == [7])
    }

    @Test func policiesDoNotShareGlobals() throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration())
        let first = try sandbox.load(source: "shared = 'first' return { get = function() return shared end }", chunkName: "a.lua")
        let second = try sandbox.load(source: "return { get = function() return shared end }", chunkName: "b.lua")
        #expect(try sandbox.call(first, function: "get", arguments: []) == ["first"])
        #expect(try sandbox.call(second, function: "get", arguments: []) == [.nil])
    }

    @Test func noAddressLeaks() throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration())
        let policy = try sandbox.load(source: """
            return { run = function()
              return tostring({}), tostring(print), tostring(coroutine.create(print)), string.format('%s', {}), tostring({})
            end }
            """, chunkName: "leak.lua")
        let results = try sandbox.call(policy, function: "run", arguments: [])
        for result in results { #expect(!(result.stringValue ?? "0x").contains("0x"), "\(result)") }
        #expect(results[0] != results[4])
    }

    @Test func forbiddenErrorCaughtByPcallIsOnlyAValue() throws {
        // a denied capability is an ordinary error to the script: catching it gains nothing
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration())
        let policy = try sandbox.load(source: """
            return { run = function() local ok, e = pcall(string.dump, print) return ok, e end }
            """, chunkName: "catch.lua")
        let results = try sandbox.call(policy, function: "run", arguments: [])
        #expect(results.first == false)
        #expect(results.last?.stringValue?.contains("sandbox-forbidden") == true)
    }
}
