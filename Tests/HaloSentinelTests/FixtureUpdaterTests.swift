import Foundation
import Testing
import HaloArtifacts
@testable import HaloSentinel

/// `--update`: observed values go into `expect` steps; everything else stays as written.
struct FixtureUpdaterTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let unit = repository + "/examples/passthrough-alpha/units/tbill/unit.yaml"

    static func fixture(_ body: String) throws -> String {
        let directory = NSTemporaryDirectory() + "halo-update-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/story.yaml"
        try body.replacingOccurrences(of: "UNIT", with: unit).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func update(_ path: String) throws -> FixtureUpdate {
        let fixture = try Fixture.load(path: path)
        let result = try FixtureRunner.run(fixture)
        return try FixtureUpdater.update(fixture, result: result, text: String(contentsOfFile: path, encoding: .utf8))
    }

    static let story = """
    # A story with comments that --update must keep.
    name: keeps-comments
    unit: UNIT
    start: "2026-03-02T00:00:00Z"     # a Monday
    clock: manual
    accounts:
      alice: { USDS: "1000" }         # alice's opening balance
    steps:
      # alice subscribes; the converter returns 980 shares
      - subscribe: { account: alice, amount: "1000" }
      - lock: {}
      - settle: { subscribe: { capacity: "1000", minted: "980" } }
      - claim: { account: alice, queue: subscribe }
      # the numbers below are wrong on purpose
      - expect:
          accounts: { alice: { USDS: "0", TBILL-A: "1" } }   # alice's shares
          queues: { subscribe: { status: active } }
      - expect: { exchange_rate: "1" }   # unchanged: passes, left alone
    # a comment after the steps

    """

    @Test func updateKeepsCommentsAndChangesOnlyTheFailingValues() throws {
        let path = try Self.fixture(Self.story)
        let update = try Self.update(path)
        #expect(update.refused == nil)
        let expected = Self.story
            .replacingOccurrences(of: "UNIT", with: Self.unit)
            .replacingOccurrences(of: "TBILL-A: \"1\" } }   # alice's shares", with: "TBILL-A: \"980\" } }   # alice's shares")
            .replacingOccurrences(of: "{ subscribe: { status: active } }", with: "{ subscribe: { status: dormant } }")
        #expect(update.text == expected)
        #expect(update.diff.filter { $0.hasPrefix("-") && !$0.hasPrefix("---") }.count == 2)   // the two values; `- expect:` is context

        // Written back, the fixture passes and a second update changes nothing.
        try update.text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try FixtureRunner.run(Fixture.load(path: path)).passed)
        #expect(try Self.update(path).changed == false)
    }

    @Test func aFixtureWithoutExpectGetsTheWholeFinalState() throws {
        let path = try Self.fixture("""
        name: no-expect
        unit: UNIT
        start: "2026-03-02T00:00:00Z"
        clock: manual
        accounts: { alice: { USDS: "1000" } }
        steps:
          - subscribe: { account: alice, amount: "400" }   # the only step

        """)
        let update = try Self.update(path)
        #expect(update.changed)
        #expect(update.text.hasPrefix(try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n").prefix(7).joined(separator: "\n")))
        #expect(update.text.contains("  - expect:\n      accounts:\n        alice: { USDS: \"600\" }"))
        #expect(update.text.contains("signals: []"))
        try update.text.write(toFile: path, atomically: true, encoding: .utf8)
        let rerun = try FixtureRunner.run(Fixture.load(path: path))
        #expect(rerun.passed, "\(rerun.steps.compactMap(\.error))")
    }

    @Test func anEmptyExpectIsFilled() throws {
        let path = try Self.fixture("""
        name: empty-expect
        unit: UNIT
        start: "2026-03-02T00:00:00Z"
        clock: manual
        accounts: { alice: { USDS: "1000" } }
        steps:
          - subscribe: { account: alice, amount: "400" }
          - expect: {}
          - subscribe: { account: alice, amount: "600" }

        """)
        let update = try Self.update(path)
        #expect(update.text.contains("total_underlying: \"400\""))
        #expect(update.text.hasSuffix("  - subscribe: { account: alice, amount: \"600\" }\n"))
        try update.text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try FixtureRunner.run(Fixture.load(path: path)).passed)
    }

    @Test func aFixtureWhoseStepFailedIsNeverRewritten() throws {
        let path = try Self.fixture("""
        name: broken-story
        unit: UNIT
        start: "2026-03-02T00:00:00Z"
        clock: manual
        accounts: { alice: { USDS: "1000" } }
        steps:
          - subscribe: { account: alice, amount: "5000" }   # more than alice has
          - expect: { accounts: { alice: { USDS: "1" } } }

        """)
        let update = try Self.update(path)
        #expect(update.refused?.contains("insufficient-balance") == true)
        #expect(!update.changed)
    }

    @Test func expectChecksFlagsStateAndUnsetRateLimitsAsZero() throws {
        let path = try Self.fixture("""
        name: new-keys
        unit: UNIT
        start: "2026-03-02T00:00:00Z"
        clock: manual
        state: { note: "kept" }
        steps:
          - expect:
              flags: { subscriptions_halted: false, migrating: false }
              state: { note: "kept" }
              rate_limits: { never-set: { current: "0", max: "0", slope: "0", last_amount: "0", last_updated: "1970-01-01T00:00:00Z" } }
          - expect: { flags: { subscriptions_halted: true } }

        """)
        let result = try FixtureRunner.run(Fixture.load(path: path))
        #expect(result.steps[0].ok, "\(String(describing: result.steps[0].error))")
        #expect(!result.steps[1].ok)
        #expect(result.steps[1].error?.message.contains("flags.subscriptions_halted: expected true, got false") == true)
    }
}
