// halo-core-bench: LCTS queue operations per second at 1e3 and 1e6 accounts.
// Run with `swift run -c release halo-core-bench [operations]`; figures are only meaningful
// in release builds.
import HaloCore

let operations = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 2_000_000
for accounts in [1_000, 1_000_000] {
    // One warm-up pass so both sizes are measured with warm code and allocator.
    _ = LCTSWorkload(accounts: accounts, operations: operations / 10).run()
    let result = LCTSWorkload(accounts: accounts, operations: operations).run()
    print(result)
}
