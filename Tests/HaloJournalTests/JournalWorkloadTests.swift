import Foundation
import HaloJournal
import Testing

@Suite struct JournalWorkloadTests {
    @Test func aSmallRunMeasuresEveryFigure() throws {
        let directory = try TemporaryDirectory()
        let workload = JournalWorkload(directory: directory.url)
        let figures = try workload.standardSuite(appendRecords: 200, readRecords: 500)
        #expect(figures.count == 8)
        #expect(figures.allSatisfy { $0.operations > 0 && $0.seconds > 0 })
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).isEmpty)
    }

    @Test func draftsAreAboutThePayloadSize() {
        let workload = JournalWorkload(directory: URL(fileURLWithPath: "/unused"), payloadBytes: 300)
        #expect(workload.draft(41).payload.utf8.count == 300)
    }

    // The real figures: `HALO_JOURNAL_BENCH=1 swift test -c release --filter JournalWorkloadTests`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["HALO_JOURNAL_BENCH"] != nil))
    func fullSuite() throws {
        let directory = try TemporaryDirectory()
        let readRecords = Int(ProcessInfo.processInfo.environment["HALO_JOURNAL_BENCH_READ"] ?? "") ?? 1_000_000
        for figure in try JournalWorkload(directory: directory.url).standardSuite(readRecords: readRecords) {
            print("BENCH \(figure)")
        }
    }
}
