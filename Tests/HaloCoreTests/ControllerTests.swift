import Testing
@testable import HaloCore

@Suite struct ControllerTests {
    @Test func freezeStopsFlows() throws {
        var controller = Controller(relayer: "sentinel")
        try controller.requireRelayer("sentinel")
        #expect(throws: HaloError.notAuthorized("prime is not the relayer")) { try controller.requireRelayer("prime") }
        controller.freeze()
        #expect(controller.isFrozen)
        #expect(throws: HaloError.relayerFrozen) { try controller.requireRelayer() }
        controller.setRelayer("sentinel-2")
        try controller.requireRelayer()
    }
}
