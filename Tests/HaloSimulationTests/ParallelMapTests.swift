import Foundation
@testable import HaloSimulation
import Testing

@Suite struct ParallelMapTests {
    /// Every index runs exactly once and the results come back in index order, whatever
    /// thread took which index and however long each piece took.
    @Test(arguments: [1, 2, 4, 8])
    func everyIndexOnceInOrder(workers: Int) {
        let runs = RunCounter(count: 97)
        let results = ParallelMap.map(97, workers: workers) { index -> Int in
            runs.count(index)
            // Uneven pieces: some indices do a thousand times more work than others.
            var sum = 0
            for step in 0..<(index % 7 == 0 ? 100_000 : 100) { sum &+= step ^ index }
            return index * 3 + (sum & 0)
        }
        #expect(results == (0..<97).map { $0 * 3 })
        #expect(runs.all == Array(repeating: 1, count: 97))
    }

    @Test func emptyAndSingle() {
        #expect(ParallelMap.map(0, workers: 4) { $0 }.isEmpty)
        #expect(ParallelMap.map(1, workers: 4) { $0 + 1 } == [1])
    }
}

/// How many times each index ran (written from several threads).
private final class RunCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [Int]

    init(count: Int) { runs = Array(repeating: 0, count: count) }

    func count(_ index: Int) {
        lock.lock()
        runs[index] += 1
        lock.unlock()
    }

    var all: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return runs
    }
}
