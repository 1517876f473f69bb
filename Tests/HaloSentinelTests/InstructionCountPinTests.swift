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
        _ = try host.call("settle", context: Benchmarks.benchmarkContext(), state: LuaTable(),
                          clock: Timestamp(seconds: 1_772_629_200))
        return host.lastCallStatistics.instructions
    }

    /// Counts measured before amounts moved into C (with every operation crossing into Swift).
    @Test(arguments: [("policies/tbill.lua", 0), ("policies/tbill-v2.lua", 0),
                      ("bench/empty-settle.lua", 0)])
    func settleCountsArePinned(_ policy: String, _ pinned: Int) throws {
        #expect(try Self.count(policy: policy, native: true) == pinned)
        #expect(try Self.count(policy: policy, native: false) == pinned)
    }
}
