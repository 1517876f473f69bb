import PropertyBased
import Testing
@testable import HaloCore

/// Random 256-bit values with 1...4 significant limbs, so divisions exercise every
/// branch of algorithm D (short division, normalisation, add-back).
let uint256Gen = Gen.uint64(in: 0 ... .max).array(of: 1...4).map { UInt256(limbs: $0) }

/// (high, low) compared as one 512-bit number.
func lessOrEqual(_ a: (high: UInt256, low: UInt256), _ b: (high: UInt256, low: UInt256)) -> Bool {
    a.high != b.high ? a.high < b.high : a.low <= b.low
}

/// Limbs drawn mostly from edge values (0, 1, 2^63 +- 1, 2^64 - 1, ...) so algorithm D's
/// rare branches (qhat correction, rhat overflow, add-back) are hit far more often than
/// with uniform random limbs.
let edgeLimbGen = zip(Gen.int(in: 0...9), Gen.uint64(in: 0 ... .max)).map { pick, random -> UInt64 in
    let edges: [UInt64] = [0, 1, 2, 1 << 63, (1 << 63) - 1, (1 << 63) + 1, .max, .max - 1, 1 << 32]
    return pick < edges.count ? edges[pick] : random
}
let edgeUInt256Gen = edgeLimbGen.array(of: 1...4).map { UInt256(limbs: $0) }

@Suite struct UInt256Tests {
    @Test func decimalRoundTrip() throws {
        #expect(UInt256.max.description == "115792089237316195423570985008687907853269984665640564039457584007913129639935")
        #expect(UInt256(decimalString: UInt256.max.description) == UInt256.max)
        #expect(UInt256(decimalString: "115792089237316195423570985008687907853269984665640564039457584007913129639936") == nil)
        #expect(UInt256(decimalString: "") == nil)
        #expect(UInt256(decimalString: "-1") == nil)
        #expect(UInt256(decimalString: "0")?.isZero == true)
        #expect(UInt256(decimalString: "18446744073709551616") == UInt256(limbs: [0, 1]))
    }

    @Test func checkedArithmeticThrows() throws {
        #expect(throws: AmountError.overflow) { try UInt256.max.adding(UInt256(1)) }
        #expect(throws: AmountError.underflow) { try UInt256(1).subtracting(UInt256(2)) }
        #expect(throws: AmountError.overflow) { try UInt256.max.multiplied(by: UInt256(2)) }
        #expect(throws: AmountError.divisionByZero) { try UInt256(1).dividedBy(.zero) }
        #expect(throws: AmountError.divisionByZero) { try UInt256.mulDiv(UInt256(1), UInt256(1), .zero) }
        #expect(throws: AmountError.overflow) { try UInt256.mulDiv(.max, UInt256(2), UInt256(1)) }
        #expect(try UInt256.mulDiv(.max, .max, .max) == .max)
        #expect(try UInt256.mulDiv(.max, UInt256(3), UInt256(4)) < UInt256.max)
        #expect(try UInt256(7).dividedBy(UInt256(2)) == UInt256(3))
    }

    @Test func bytesAreLittleEndian() {
        let v = UInt256(limbs: [0x0102, 0, 0, 0xFF00_0000_0000_0000])
        #expect(v.bytes.count == 32)
        #expect(v.bytes[0] == 0x02 && v.bytes[1] == 0x01 && v.bytes[31] == 0xFF)
        #expect(UInt256(bytes: v.bytes) == v)
        #expect(UInt256(bytes: [1, 2]) == nil)
    }

    @Test func divisionIdentity() async {
        await propertyCheck(count: 2000, input: uint256Gen, uint256Gen) { x, d in
            guard !d.isZero else { return }
            let q = try x.dividedBy(d)
            let r = try x.remainder(dividingBy: d)
            #expect(r < d)
            #expect(try q.multiplied(by: d).adding(r) == x)
        }
    }

    @Test func mulDivIsFloorOfWideProduct() async {
        await propertyCheck(count: 2000, input: uint256Gen, uint256Gen, uint256Gen) { a, b, c in
            guard !c.isZero else { return }
            let product = UInt256.fullProduct(a, b)
            let result: UInt256
            do { result = try UInt256.mulDiv(a, b, c) } catch {
                // Overflow only when a*b >= 2^256 * c.
                #expect(error as? AmountError == .overflow)
                let bound = UInt256.fullProduct(c, .max)  // c * (2^256 - 1) < a*b
                #expect(!lessOrEqual(product, bound) || product == bound)
                return
            }
            let qc = UInt256.fullProduct(result, c)
            #expect(lessOrEqual(qc, product))
            // product - q*c < c
            let (lowDiff, borrow) = product.low.subtractingReportingOverflow(qc.low)
            let highDiff = try product.high.subtracting(qc.high).subtracting(borrow ? UInt256(1) : .zero)
            #expect(highDiff.isZero && lowDiff < c)
        }
    }

    @Test func divisionAndMulDivWithEdgeLimbs() async {
        await propertyCheck(count: 5000, input: edgeUInt256Gen, edgeUInt256Gen, edgeUInt256Gen) { a, b, d in
            guard !d.isZero else { return }
            let q = try a.dividedBy(d)
            let r = try a.remainder(dividingBy: d)
            #expect(r < d)
            #expect(try q.multiplied(by: d).adding(r) == a)
            guard let m = try? UInt256.mulDiv(a, b, d) else { return }
            let product = UInt256.fullProduct(a, b)
            let qd = UInt256.fullProduct(m, d)
            #expect(lessOrEqual(qd, product))
            let (lowDiff, borrow) = product.low.subtractingReportingOverflow(qd.low)
            let highDiff = try product.high.subtracting(qd.high).subtracting(borrow ? UInt256(1) : .zero)
            #expect(highDiff.isZero && lowDiff < d)
        }
    }

    @Test func addSubtractInverse() async {
        await propertyCheck(count: 1000, input: uint256Gen, uint256Gen) { a, b in
            if let sum = try? a.adding(b) {
                let back = try sum.subtracting(b)
                #expect(back == a)
            } else {
                #expect(throws: AmountError.overflow) { try a.adding(b) }
            }
            #expect(UInt256(decimalString: a.description) == a)
            #expect(UInt256(bytes: a.bytes) == a)
        }
    }
}
