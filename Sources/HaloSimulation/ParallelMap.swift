import Dispatch
import Foundation

/// Runs independent pieces of a simulated day on the machine's cores and gives their results
/// back in index order, so the day comes out the same whatever order the pieces ran in.
///
/// A piece may touch only what its index owns (one Unit's Sentinel and Lua state, or one
/// Prime's), and read what no piece changes meanwhile; the caller applies anything shared
/// afterwards, in index order. Workers take indices in turn (worker w runs w, w + n, ...).
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
            let batch = Batch(body: body, results: results, count: count, threads: threads)
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                var index = worker
                while index < batch.count {
                    batch.results[index] = batch.body(index)
                    index += batch.threads
                }
            }
            return results.map { $0! }
        }
    }

    /// What the threads share: the body (each call touches only its own index's things) and
    /// the result slots (each written by the one thread its index belongs to, read after all
    /// threads finished).
    private struct Batch<T>: @unchecked Sendable {
        let body: (Int) -> T
        let results: UnsafeMutableBufferPointer<T?>
        let count: Int
        let threads: Int
    }
}
