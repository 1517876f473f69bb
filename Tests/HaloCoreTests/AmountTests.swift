import PropertyBased
import Testing
@testable import HaloCore

@Suite struct AmountTests {
    @Test func parsesContractStrings() throws {
        #expect(try Amount(parsing: "1000").units == UInt256(decimalString: "1000000000000000000000"))
        #expect(try Amount(parsing: "0.98").units == UInt256(980_000_000_000_000_000))
        #expect(try Amount(parsing: "999999.9999999999999936").description == "999999.9999999999999936")
        #expect(try Amount(parsing: "1.50").description == "1.5")
        #expect(try Amount(parsing: "007").description == "7")
        #expect(try Amount(parsing: "0").description == "0")
        #expect(try Amount(parsing: "0.000000000000000001").units == UInt256(1))
        #expect(try Amount(parsing: "1.5", decimals: 6).units == UInt256(1_500_000))
        #expect(try Amount(parsing: "12", decimals: 0).description == "12")
    }

    @Test(arguments: ["", "1.", ".5", "+1", "-1", "1e3", " 1", "1 ", "1,000", "1_000", "1.2.3", "abc", "0x10", "٣"])
    func refusesMalformed(_ text: String) {
        #expect(throws: AmountError.invalidFormat(text)) { try Amount(parsing: text) }
    }

    @Test func refusesTooManyDecimalsAndOverflow() {
        #expect(throws: AmountError.tooManyDecimals("0.0000000000000000001", allowed: 18)) {
            try Amount(parsing: "0.0000000000000000001")
        }
        #expect(throws: AmountError.tooManyDecimals("1.230", allowed: 2)) { try Amount(parsing: "1.230", decimals: 2) }
        #expect(throws: AmountError.overflow) { try Amount(parsing: "1" + String(repeating: "0", count: 60)) }
        #expect(throws: AmountError.invalidFormat("1")) { try Amount(parsing: "1", decimals: 78) }
    }

    @Test func arithmeticAndRates() throws {
        let a = try Amount(parsing: "1000")
        #expect(try a.scaled(by: Rate(parsing: "0.98")).description == "980")
        #expect(try Amount(parsing: "980").divided(by: Rate(parsing: "0.98")).description == "1000")
        #expect(try a.subtracting(Amount(parsing: "0.5")).description == "999.5")
        #expect(throws: AmountError.underflow) { try Amount.zero.subtracting(a) }
        #expect(throws: AmountError.decimalsMismatch) { try a.adding(Amount(units: .zero, decimals: 6)) }
        #expect(throws: AmountError.divisionByZero) { try a.divided(by: Rate(wad: .zero)) }
        // Rounds down: 1 base unit at 0.5 is zero.
        #expect(try Amount(units: UInt256(1)).scaled(by: Rate(parsing: "0.5")).units == .zero)
        #expect(Amount.min(a, .zero) == .zero && Amount.max(a, .zero) == a)
        #expect(Amount.zero < a)
    }

    @Test func errorCodesAreStable() {
        #expect(AmountError.overflow.code == "overflow")
        #expect(AmountError.tooManyDecimals("x", allowed: 2).code == "too-many-decimals")
        #expect(AmountError.invalidFormat("x").message.contains("x"))
    }

    @Test func formatParseRoundTrip() async {
        await propertyCheck(count: 1000, input: uint256Gen, Gen.int(in: 0...77)) { units, decimals in
            let amount = Amount(units: units, decimals: UInt8(decimals))
            let parsed = try Amount(parsing: amount.description, decimals: decimals)
            #expect(parsed == amount)
        }
    }
}
