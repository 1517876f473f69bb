import Dispatch
import Foundation

/// Runs independent pieces of a simulated day on the machine's cores and gives their results
/// back in index order, so the day comes out the same whatever order the pieces ran in.
///
/// A piece may touch only what its index owns (one Unit's Sentinel and Lua state, or one
/// Prime's), and read what no piece changes meanwhile; the caller applies anything shared
/// afterwards, in index order. Each worker takes the next index not yet taken, so a worker
/// the machine stalls (a 2-core machine shared with other processes) holds up one piece, not
/// a fixed share of them; which worker runs a piece never changes its result.
enum ParallelMap {
    /// Threads a day uses: the active cores, at most 8, at least 1.
    static let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

    /// `body(0) ... body(count - 1)` on up to `workers` threads (one when `count` is 1 or
    /// less), results in index order.
    static func map<T>(_ count: Int, workers: Int = ParallelMap.workers, _ body: (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let threads = max(1, min(workers, count))
        if threads == 1 { return (0..<count).map(body) }
        return withoutActuallyEscaping(body) { body in
            let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
            results.initialize(repeating: nil)
            defer {
                results.deinitialize()
                results.deallocate()
            }
            let batch = Batch(body: body, results: results, count: count, next: NextIndex())
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while let index = batch.next.take(below: batch.count) {
                    batch.results[index] = batch.body(index)
                }
            }
            return results.map { $0! }
        }
    }

    /// What the threads share: the body (each call touches only its own index's things), the
    /// result slots (each written by the one thread that took its index, read after all
    /// threads finished) and the next index to take.
    private struct Batch<T>: @unchecked Sendable {
        let body: (Int) -> T
        let results: UnsafeMutableBufferPointer<T?>
        let count: Int
        let next: NextIndex
    }

    /// Hands out 0, 1, 2, ... once each, to whichever thread asks (a lock per piece: the
    /// pieces are whole policy calls or Unit days, millions of instructions each).
    private final class NextIndex: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0

        func take(below count: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard value < count else { return nil }
            value += 1
            return value - 1
        }
    }
}
