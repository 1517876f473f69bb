/// A repeatable LCTS micro-benchmark: a realistic mix of deposit, claim, exit, lock and
/// settle on one ``LCTSQueue`` holding `accounts` positions. Used by `halo-core-bench`
/// and `halo bench`; the queue is O(1) per operation, so the cost per operation should
/// not depend on `accounts`.
///
/// Mix per 1,000 operations: one lock + settle pair (a quarter of the underlying converts
/// at 0.98; every 20th settlement converts everything and finalizes the generation), the
/// rest 55 % deposit, 30 % claim, 15 % exit, over uniformly random accounts. Refusals
/// (e.g. a claim after that account exited) count as operations, as they cost the same
/// checks.
///
/// ```swift
/// let result = LCTSWorkload(accounts: 1_000, operations: 1_000_000).run()
/// print(result.operationsPerSecond)
/// ```
public struct LCTSWorkload: Sendable {
    /// Positions in the queue before timing starts.
    public var accounts: Int
    /// Operations timed.
    public var operations: Int
    /// Seed of the deterministic account/operation choice.
    public var seed: UInt64

    /// A workload.
    ///
    /// ```swift
    /// LCTSWorkload(accounts: 1_000_000, operations: 2_000_000, seed: 42)
    /// ```
    public init(accounts: Int, operations: Int, seed: UInt64 = 0x5EED) {
        self.accounts = Swift.max(1, accounts)
        self.operations = Swift.max(0, operations)
        self.seed = seed
    }

    /// Figures of one run.
    public struct Result: Sendable, CustomStringConvertible {
        /// Positions in the queue.
        public var accounts: Int
        /// Operations timed.
        public var operations: Int
        /// How many of them succeeded (the rest were refused by a queue rule).
        public var succeeded: Int
        /// Time to build the initial positions (not part of the figure).
        public var setup: Duration
        /// Time of the timed operations.
        public var elapsed: Duration

        /// Throughput (timing only; no amount is ever a floating-point number).
        ///
        /// ```swift
        /// result.operationsPerSecond   // e.g. 4.2e6
        /// ```
        public var operationsPerSecond: Double {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            return seconds > 0 ? Double(operations) / seconds : 0
        }

        /// Mean cost of one operation in nanoseconds.
        ///
        /// ```swift
        /// result.nanosecondsPerOperation   // e.g. 240
        /// ```
        public var nanosecondsPerOperation: Double {
            let rate = operationsPerSecond
            return rate > 0 ? 1e9 / rate : 0
        }

        /// One line for humans.
        ///
        /// ```swift
        /// print(result)   // "accounts 1000: 2000000 ops, 4.1M ops/s, 243 ns/op ..."
        /// ```
        public var description: String {
            let millions = (operationsPerSecond / 1e4).rounded() / 100
            return "accounts \(accounts): \(operations) ops (\(succeeded) succeeded), \(millions)M ops/s, "
                + "\(Int(nanosecondsPerOperation.rounded())) ns/op, setup \(setup)"
        }
    }

    /// Builds the queue, then times the operations.
    ///
    /// ```swift
    /// let result = LCTSWorkload(accounts: 1_000, operations: 100_000).run()
    /// ```
    public func run() -> Result {
        var random = SplitMix64(seed: seed)
        let names = (0..<accounts).map { "account-\($0)" }
        // Deposit sizes from 1 to ~1M tokens, precomputed so the loop measures the queue.
        let sizes: [UInt256] = (0..<1024).map { _ in
            UInt256(random.next() % 1_000_000 + 1).saturatingMultiplied(by: UInt256.wad)
        }
        let clock = ContinuousClock()
        var queue = LCTSQueue()
        let setupStart = clock.now
        for (index, name) in names.enumerated() {
            _ = try? queue.deposit(account: name, amount: sizes[index & 1023])
        }
        let setup = clock.now - setupStart

        let converter = { (converted: UInt256) throws(HaloError) -> UInt256 in
            try checked { () throws(AmountError) in
                try UInt256.mulDiv(converted, UInt256(980_000_000_000_000_000), .wad)
            }
        }
        // The random draws and the account each operation touches, in order: read sequentially,
        // so the loop measures the queue, not a random read of the names array (at 1e6 accounts
        // a cache and TLB miss of the harness's own that no caller of the queue pays).
        let rolls = (0..<operations).map { _ in random.next() }
        let touched = rolls.map { names[Int($0 % UInt64(accounts))] }
        var succeeded = 0
        var settlements = 0
        let start = clock.now
        var done = 0
        while done < operations {
            let roll = rolls[done]
            if done % 1000 == 998 {
                if queue.lock() { succeeded += 1 }
            } else if done % 1000 == 999 {
                settlements += 1
                let capacity = settlements % 20 == 0
                    ? UInt256.max : queue.totalUnderlying.dividedReportingRemainder(bySmall: 4).0
                if (try? queue.settle(capacity: capacity, mint: converter)) != nil { succeeded += 1 }
            } else {
                let name = touched[done]
                switch (roll >> 32) % 100 {
                case 0..<55:
                    if (try? queue.deposit(account: name, amount: sizes[Int((roll >> 20) & 1023)])) != nil { succeeded += 1 }
                case 55..<85:
                    if (try? queue.claim(account: name)) != nil { succeeded += 1 }
                default:
                    if (try? queue.exit(account: name)) != nil { succeeded += 1 }
                }
            }
            done += 1
        }
        let elapsed = clock.now - start
        return Result(accounts: accounts, operations: operations, succeeded: succeeded, setup: setup, elapsed: elapsed)
    }
}

/// A tiny deterministic generator (SplitMix64) so every run does the same work.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
