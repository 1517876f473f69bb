import Foundation
import Testing
import HaloArtifacts
@testable import HaloSentinel

/// Coverage mode adds a line hook; the instruction budget must count exactly the same.
@Suite(.serialized) struct CoverageTests {
    static let fixture = FixtureUpdaterTests.repository + "/examples/passthrough-alpha/units/tbill/tests/normal-week.yaml"

    @Test func coverageRecordsLinesAndCountsTheSameInstructions() throws {
        let plain = try FixtureRunner.run(Fixture.load(path: Self.fixture))
        CoverageCollector.shared.start()
        defer { CoverageCollector.shared.stop() }
        let covered = try FixtureRunner.run(Fixture.load(path: Self.fixture))
        #expect(plain.passed && covered.passed)
        #expect(plain.decisions.map(\.instructions) == covered.decisions.map(\.instructions))
        #expect(plain.decisions.map(\.instructions).allSatisfy { $0 > 0 })
        let lines = CoverageCollector.shared.snapshot()
        let policy = lines.first { $0.key.hasSuffix("policies/tbill.lua") }
        #expect(policy != nil, "\(lines.keys.sorted())")
        // settle's first line ran: `local cfg = settings(ctx)` inside P.settle.
        let source = try String(contentsOfFile: FixtureUpdaterTests.repository + "/policies/tbill.lua", encoding: .utf8)
        let settleBody = source.components(separatedBy: "\n").firstIndex { $0.hasPrefix("function P.settle") }! + 2
        #expect(policy?.value.contains(settleBody) == true)
    }

    /// A param named only in a comment is still never read (the stdlib's own comments named
    /// `params.max_daily_capacity`, so a policy that never read it was reported as reading it).
    @Test func aParamNamedOnlyInACommentIsUnread() {
        let source = """
        -- reads params.max_daily_capacity? no: only this comment does
        --[==[ nor ctx.params.nav_tolerance ]==]
        local s = "--[[ not a comment: ctx.params.cap_in_string ]]"
        local t = "say \\"--\\" .quoted"
        return ctx.params.min_order, [[ -- long string .long_name ]]
        """
        let text = CoverageReport.withoutComments(source)
        #expect(!CoverageReport.mentions(text, "max_daily_capacity"))
        #expect(!CoverageReport.mentions(text, "nav_tolerance"))
        #expect(CoverageReport.mentions(text, "min_order"))
        #expect(CoverageReport.mentions(text, "cap_in_string"))
        #expect(CoverageReport.mentions(text, "long_name"))
        #expect(CoverageReport.mentions(text, "quoted"), "an escaped quote does not end the string")
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 5, "line breaks stay")
        #expect(CoverageReport.withoutComments("local a = 1 -- x\nlocal b = 2") == "local a = 1 \nlocal b = 2")
    }

    @Test func executableLinesSkipCommentsAndClosers() {
        let text = "-- a comment\nlocal x = 1\n\nif x then\n  x = 2\nend\n--[[ long\ncomment ]]\nreturn x\n"
        #expect(CoverageReport.executableLines(text) == [2, 4, 5, 9])
    }
}
