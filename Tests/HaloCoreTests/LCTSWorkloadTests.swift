import Testing
@testable import HaloCore

@Suite struct LCTSWorkloadTests {
    @Test func runsTheMixDeterministically() {
        let a = LCTSWorkload(accounts: 100, operations: 20_000, seed: 7).run()
        let b = LCTSWorkload(accounts: 100, operations: 20_000, seed: 7).run()
        #expect(a.operations == 20_000 && a.accounts == 100)
        #expect(a.succeeded == b.succeeded)
        #expect(a.succeeded > 10_000 && a.succeeded < 20_000)
        #expect(a.operationsPerSecond > 0 && a.description.contains("ops/s"))
    }

    @Test func splitMixIsStable() {
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
    }
}
