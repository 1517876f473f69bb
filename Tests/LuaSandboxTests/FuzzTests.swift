import Testing
@testable import LuaSandbox

/// Random compositions of hostile snippets (fixed seed, so failures reproduce): whatever a
/// program does, the call ends with one of the four codes or succeeds, inside the
/// budgets, and the same sandbox keeps serving. The shim was also run under ASan/UBSan
/// with these shapes (see docs/sandbox.md).
@Suite struct FuzzTests {
    static let leaves: [String] = [
        "while true do end",
        "local s='x' while true do s=s..s end",
        "return string.rep('ab', 1e7, ',')",
        "error(setmetatable({}, {__tostring=function() while true do end end}))",
        "error('plain')",
        "local t={} for i=1,1e7 do t[i]={} end",
        "return string.find(string.rep('a',5000), '(.-)-(.-)x')",
        "collectgarbage()",
        "return io",
        "return os.execute",
        "string.x = 1",
        "return load('\\27Lua')",
        "return load(string.rep('x=1 ', 1e5))",
        "local function r() return r() + 1 end return r()",
        "return table.unpack({}, 1, 5e5)",
        "return coroutine.wrap(function() coroutine.yield(1) end)()",
        "return coroutine.close(coroutine.create(print))",
        "local x <close> = setmetatable({}, {__close=function() error('c') end}) error('x')",
        "return tostring(setmetatable({}, {__tostring=function() return {} end}))",
        "return ('x'):rep(100):gsub('x', function() while true do end end)",
        "return require('a.b')",
        "return require('..')",
        "setmetatable({}, {__gc=print})",
        "return select('#', string.byte(string.rep('a', 1e6), 1, -1))",
        "return string.format('%q', string.rep('\\0', 1e6))",
        "return utf8.char(table.unpack({0x10FFFF, 1, 2}))",
        "return table.concat({1,2,{}})",
        "return next({}, 'nope')",
        "return string.pack('s', string.rep('x', 1e6))",
        "return os.date('%Ez')",
        "return os.date('*t', 1e18)",
        "return math.random(0)",
        "return math.randomseed()",
        "return #_G",
        "rawset(_G, 'x', 1)",
        "_G.x = print; return x",
        "return getmetatable('').__index",
        "return pairs(string)",
        "for k, v in pairs(math) do end",
        "return debug",
        "return coroutine.resume(coroutine.running())",
        "return coroutine.yield()",
        "return xpcall(error, error)",
        "return string.rep('', 1e18)",
        "return table.move({1,2,3}, 1, 3, 1e15)",
        "return table.sort({3,2,1}, function(a, b) return true end)",
        "return string.format('%s', setmetatable({}, {__tostring=function() while true do end end}))",
    ]
    static let wrappers: [String] = [
        "pcall(function() @@ end)",
        "xpcall(function() @@ end, function(e) return e end)",
        "xpcall(function() @@ end, function(e) @@ end)",
        "coroutine.wrap(function() @@ end)()",
        "coroutine.resume(coroutine.create(function() @@ end))",
        "for i = 1, 3 do pcall(function() @@ end) end",
        "local ok, e = pcall(function() @@ end) if not ok then error(e, 0) end",
        "do local c <close> = setmetatable({}, {__close = function() @@ end}) end",
        "local f = load([==[ @@ ]==]) if f then pcall(f) end",
        "string.gsub('abc', '%w', function() @@ end)",
        "table.sort({3,2,1}, function(a, b) @@ return a < b end)",
        "local _ = setmetatable({}, {__index = function() @@ end}).x",
        "local co = coroutine.create(function() @@ end) coroutine.resume(co) coroutine.close(co)",
    ]

    /// SplitMix64: a tiny deterministic generator.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func program(depth: Int, _ random: inout Generator) -> String {
        if depth == 0 || Int.random(in: 0..<10, using: &random) < 3 {
            return "do " + leaves.randomElement(using: &random)! + " end"
        }
        let parts = wrappers.randomElement(using: &random)!.split(separator: "@@", omittingEmptySubsequences: false).map(String.init)
        var text = parts[0]
        for part in parts.dropFirst() { text += program(depth: depth - 1, &random) + part }
        return text
    }

    @Test func randomHostileProgramsNeverHurtTheHost() throws {
        var random = Generator(state: 2026)
        let limits = SandboxLimits(instructions: 200_000, memoryBytes: 2 << 20, wallTimeMilliseconds: 500)
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration(limits: limits, randomSeed: 1))
        let healthy = try sandbox.load(source: "return { ok = function() return 42 end }", chunkName: "healthy.lua")
        var outcomes: [String: Int] = [:]
        let clock = ContinuousClock()
        for _ in 0..<300 {
            let body = (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.program(depth: 3, &random) }
            let source = "local P = {}\nfunction P.run()\n" + body.joined(separator: "\n") + "\nend\nreturn P\n"
            let start = clock.now
            do throws(SandboxError) {
                let policy = try sandbox.load(source: source, chunkName: "fuzz.lua")
                defer { sandbox.release(policy) }
                _ = try sandbox.call(policy, function: "run", arguments: [])
                outcomes["ok", default: 0] += 1
            } catch {
                outcomes[error.code.rawValue, default: 0] += 1
            }
            #expect(clock.now - start < .seconds(2))
            #expect(sandbox.lastCallStatistics.peakMemoryBytes <= limits.memoryBytes + Attack.memoryMargin)
            #expect(try sandbox.call(healthy, function: "ok", arguments: []) == [42])
        }
        print("fuzz outcomes: \(outcomes.sorted { $0.key < $1.key })")
        #expect(outcomes.count >= 4)
    }
}
