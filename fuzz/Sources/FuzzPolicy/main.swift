import Foundation
import FuzzSupport
import HaloArtifacts
import HaloCore
import HaloSentinel

// The policy host: the input is a policy's Lua source, loaded in the sandbox and driven
// through a subscription, a report and one settlement cycle (settle, signals, respond).
// Oracle: never trap, never escape the budgets (libFuzzer's -timeout and -rss_limit_mb
// catch a hook that runs on or allocates without bound); failures are typed.
let directory = FuzzWorkspace.directory
let start = try! Timestamp(iso8601: "2026-03-02T00:00:00Z")  // a Monday

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let source = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    try? source.write(toFile: directory + "/policy.lua", atomically: false, encoding: .utf8)
    guard let sentinel = try? UnitSentinel(artifact: FuzzWorkspace.unit, schedule: .standard, start: start,
                                           stdlib: FuzzWorkspace.stdlib, exchangeRate: try? Rate(parsing: "1")) else {
        return 0
    }
    let amount = try! Amount(parsing: "1000")
    try? sentinel.perform(.fund(account: "alice", asset: "USDS", amount: amount), at: start)
    try? sentinel.perform(.subscribe(account: "alice", amount: amount), at: start)
    try? sentinel.perform(.report([ReportField(name: "nav", value: .text("1")), ReportField(name: "holdings", value: .text("5"))]), at: start)
    sentinel.advance(to: try! Timestamp(iso8601: "2026-03-02T17:00:00Z"))
    return 0
}

@_cdecl("FuzzPolicy_main")
public func fuzzPolicyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, { data, size in fuzzPolicy(data, size) })
}
