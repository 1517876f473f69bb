import Foundation
import HaloArtifacts
import HaloCore
import LuaSandbox
import Testing
@testable import HaloSentinel

/// The instruction budget counts the same for the same policy whatever computes the amounts:
/// moving amounts into C must not change what a policy may do within its `limits`.
@Suite struct InstructionCountPinTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func count(policy: String, native: Bool) throws -> Int {
        let host = try PolicyHost(file: root + "/" + policy, limits: .standard, stdlib: root + "/stdlib", pin: nil,
                                  nativeAmounts: native)
        _ = try host.call("settle", encodedContext: Benchmarks.benchmarkContext(types: host.userdataTypes), state: LuaTable(),
                          clock: Timestamp(seconds: 1_772_629_200))
        return host.lastCallStatistics.instructions
    }

    /// Counts measured before amounts moved into C (every operation crossing into Swift, which the
    /// `native: false` host still does). A settle on these policies runs fewer VM instructions than
    /// one hook period (1000), so the count is its charges (string work); the differential test
    /// compares full counts over thousands of operations.
    @Test(arguments: [("policies/tbill.lua", 20), ("policies/tbill-v2.lua", 32),
                      ("bench/empty-settle.lua", 0)])
    func settleCountsArePinned(_ policy: String, _ pinned: Int) throws {
        let native = try Self.count(policy: policy, native: true)
        let swift = try Self.count(policy: policy, native: false)
        #expect(native == swift)
        #expect(native == pinned)
    }
}
