// halo-core-bench: LCTS queue operations per second at 1e3 and 1e6 accounts.
//
//   swift run -c release halo-core-bench [operations] [accounts ...]
//
// Figures are only meaningful in release builds. Extra account sizes show the curve
// between the two reference points.
import HaloCore

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let operations = arguments.first ?? 2_000_000
let sizes = arguments.count > 1 ? Array(arguments.dropFirst()) : [1_000, 1_000_000]
for accounts in sizes {
    // One warm-up pass so every size is measured with warm code and allocator.
    _ = LCTSWorkload(accounts: accounts, operations: operations / 10).run()
    let result = LCTSWorkload(accounts: accounts, operations: operations).run()
    print(result)
}
