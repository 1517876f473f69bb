import Foundation
import HaloCore
import LuaSandbox
import Testing
@testable import HaloSentinel

/// The C amounts (`Sources/LuaShim/amount.c`) against HaloCore's `UInt256`/`Amount` and against
/// the Swift binding they replace: same results, same errors, same messages.
@Suite struct AmountDifferentialTests {
    /// SplitMix64: every run checks the same operands.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let edges: [UInt256] = [
        .zero, UInt256(1), UInt256(2), UInt256(w0: 0, w1: 1, w2: 0, w3: 0), UInt256(w0: .max, w1: .max, w2: 0, w3: 0),
        UInt256(w0: 0, w1: 0, w2: 1, w3: 0), UInt256(w0: 0, w1: 0, w2: 0, w3: 1 << 63), .max, .wad,
    ]

    static func random(_ g: inout Generator) -> UInt256 {
        let roll = g.next()
        if roll % 4 == 0 { return edges[Int((roll >> 8) % UInt64(edges.count))] }
        var limbs = (0..<Int(1 + (roll >> 16) % 4)).map { _ in g.next() }
        if (roll >> 24) % 2 == 0 { limbs[limbs.count - 1] >>= (roll >> 32) % 64 }
        return UInt256(limbs: limbs)
    }

    static func expect(_ body: () throws(AmountError) -> UInt256) -> ([UInt8]?, NativeUInt256.Status) {
        do { return (try body().bytes, .ok) } catch {
            switch error {
            case .overflow: return (nil, .overflow)
            case .underflow: return (nil, .underflow)
            case .divisionByZero: return (nil, .divisionByZero)
            default: return (nil, .invalidText)
            }
        }
    }

    static func check(_ operation: NativeUInt256.Operation, _ a: UInt256, _ b: UInt256, _ c: UInt256 = .zero,
                      _ swift: () throws(AmountError) -> UInt256) {
        let native = NativeUInt256.apply(operation, a.bytes, b.bytes, c.bytes)
        let (bytes, status) = expect(swift)
        #expect(native.status == status, "\(operation) \(a) \(b) \(c)")
        if let bytes, status == .ok { #expect(native.bytes == bytes, "\(operation) \(a) \(b) \(c)") }
    }

    @Test func everyOperationAgreesWithUInt256OnRandomOperandsAndEdges() {
        var g = Generator(state: 0x4841_4C4F)
        var pairs: [(UInt256, UInt256, UInt256)] = []
        for a in Self.edges { for b in Self.edges { pairs.append((a, b, Self.edges[Int(g.next() % UInt64(Self.edges.count))])) } }
        for _ in 0..<5_000 { pairs.append((Self.random(&g), Self.random(&g), Self.random(&g))) }
        for (a, b, c) in pairs {
            Self.check(.add, a, b) { () throws(AmountError) in try a.adding(b) }
            Self.check(.subtract, a, b) { () throws(AmountError) in try a.subtracting(b) }
            Self.check(.multiply, a, b) { () throws(AmountError) in try a.multiplied(by: b) }
            Self.check(.divide, a, b) { () throws(AmountError) in try a.dividedBy(b) }
            Self.check(.mulDiv, a, b, c) { () throws(AmountError) in try UInt256.mulDiv(a, b, c) }
            #expect(NativeUInt256.compare(a.bytes, b.bytes) == (a < b ? -1 : a == b ? 0 : 1))
            for decimals in [0, 6, 18, 77] {
                let text = NativeUInt256.format(a.bytes, decimals: decimals)
                #expect(text == Amount(units: a, decimals: UInt8(decimals)).description)
                let parsed = NativeUInt256.parse(text, decimals: decimals)
                #expect(parsed.status == .ok && parsed.bytes == a.bytes)
            }
        }
    }

    @Test func parsingAgreesWithAmountOnEveryKindOfText() {
        let texts = ["0", "1", "1000", "0.98", "1.50", "007", "1.", ".5", "+1", "-1", "1e3", " 1", "1 ", "", "1.2.3",
                     "0.000000000000000001", "0.0000000000000000001", "١", "1_000",
                     "115792089237316195423570985008687907853269984665640564039457.584007913129639935",
                     "115792089237316195423570985008687907853269984665640564039457.584007913129639936",
                     String(repeating: "9", count: 100)]
        for text in texts {
            for decimals in [0, 2, 18, 77, 78] {
                let native = NativeUInt256.parse(text, decimals: decimals)
                do {
                    let amount = try Amount(parsing: text, decimals: decimals)
                    #expect(native.status == .ok && native.bytes == amount.units.bytes, "\(text) \(decimals)")
                } catch {
                    let want: NativeUInt256.Status = switch error {
                    case .overflow: .overflow
                    case .tooManyDecimals: .tooManyDecimals
                    default: .invalidText
                    }
                    #expect(native.status == want, "\(text) \(decimals): \(error)")
                }
            }
        }
    }

    /// A sandbox with `halo.amount` computed in C (the runtime's) or only by the Swift functions.
    static func sandbox(native: Bool) throws -> (LuaSandbox, LuaReference) {
        let limits = SandboxLimits(instructions: 100_000_000, memoryBytes: 64 << 20, wallTimeMilliseconds: 600_000)
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration(limits: limits, randomSeed: 1))
        try AmountBinding.register(in: sandbox, native: native)
        let policy = try sandbox.load(source: """
            local host = require "halo.host"
            local A = host.amount
            local values = {
              A(0), A("0.000000000000000001"), A(1), A("0.5"), A("1000.25"), A("340282366920938463463.374607431768211456"),
              A("115792089237316195423570985008687907853269984665640564039457.584007913129639935"), A(7),
              0, 1, 7, -1, 4611686018427387904, "0.5", "2", "abc", "1.", "0.0000000000000000001", 0.5, -1.5, 2.0, true, {},
            }
            local ops = {
              function(a, b) return a + b end, function(a, b) return a - b end, function(a, b) return a * b end,
              function(a, b) return a / b end, function(a, b) return a == b end, function(a, b) return a < b end,
              function(a, b) return a <= b end, function(a, b) return a .. b end,
              function(a, b) return a:min(b) end, function(a, b) return a:max(b) end,
              function(a, b) return a:mul_div(b, A(3)) end, function(a, b) return a:mul_div(A(2), b) end,
              function(a) return a:floor() end, function(a) return a:units() end, function(a) return a:is_zero() end,
              function(a) return A(a) end, function(a) return host.is_amount(a) end, function(a) return tostring(a) end,
            }
            return { run = function()
              local out = {}
              for i, op in ipairs(ops) do
                for j, a in ipairs(values) do
                  for k, b in ipairs(values) do
                    if j <= 8 or k <= 8 then
                      local ok, r = pcall(op, a, b)
                      out[#out + 1] = i .. "/" .. j .. "/" .. k .. " " .. tostring(ok) .. " " .. tostring(r)
                    end
                  end
                end
              end
              return table.concat(out, "\\n")
            end }
            """, chunkName: "amounts.lua")
        return (sandbox, policy)
    }

    @Test func cAmountsGiveTheSwiftBindingsResultsAndMessages() throws {
        let (native, nativePolicy) = try Self.sandbox(native: true)
        let (swift, swiftPolicy) = try Self.sandbox(native: false)
        let fromC = try native.call(nativePolicy, function: "run", arguments: [])
        let fromSwift = try swift.call(swiftPolicy, function: "run", arguments: [])
        guard case .string(let c) = fromC.first, case .string(let s) = fromSwift.first else {
            Issue.record("no results")
            return
        }
        let cLines = c.split(separator: "\n"), sLines = s.split(separator: "\n")
        #expect(cLines.count == sLines.count && cLines.count > 3_000)
        for (x, y) in zip(cLines, sLines) where x != y { Issue.record("C: \(x)\nSwift: \(y)") }
        #expect(native.lastCallStatistics.instructions == swift.lastCallStatistics.instructions)
    }
}
