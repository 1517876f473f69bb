import Testing
@testable import HaloCore

@Suite struct RateTests {
    @Test func rateText() throws {
        #expect(Rate.one.description == "1")
        #expect(try Rate(parsing: "1.25").wad == UInt256(1_250_000_000_000_000_000))
        #expect(try Rate(parsing: "0.98").description == "0.98")
        #expect(throws: AmountError.tooManyDecimals("0.1234567890123456789", allowed: 18)) {
            try Rate(parsing: "0.1234567890123456789")
        }
    }
}
