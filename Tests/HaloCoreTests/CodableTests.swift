import Foundation  // JSONEncoder for the round trip; HaloCore itself does not import Foundation.
import Testing
@testable import HaloCore

@Suite struct CodableTests {
    @Test func unitStateRoundTripsThroughJSON() throws {
        let t = at("2026-03-02T09:00:00Z")
        var unit = HaloUnit(share: "TBILL-A")
        try unit.setRateLimit(key: "deposit", maxAmount: tokens("1000000"), slope: tokens("11.5"), at: t)
        try unit.setUnlimitedRateLimit(key: "withdraw", at: t)
        try unit.addInit(key: "deposit", maxAmount: tokens("1000000"), slope: tokens("11.5"), at: t)
        try unit.fund(account: "alice", asset: "USDS", amount: tokens("1000"), at: t)
        try unit.subscribe(account: "alice", amount: tokens("1000"), at: t)
        try unit.lock(queue: nil, at: t)
        try unit.settle(subscribe: SettleOrder(capacity: tokens("400"), minted: tokens("392")), redeem: nil, at: t)
        let data = try JSONEncoder().encode(unit)
        let decoded = try JSONDecoder().decode(HaloUnit.self, from: data)
        #expect(decoded == unit)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains("\"2026-03-02T09:00:00Z\""))
        #expect(json.contains("\"1000000000000000000000\""))  // amounts are strings, never JSON numbers
    }

    @Test func primitivesEncodeAsContractText() throws {
        let encoder = JSONEncoder()
        #expect(String(decoding: try encoder.encode([Rate.one]), as: UTF8.self) == "[\"1\"]")
        #expect(String(decoding: try encoder.encode([TimeSpan(seconds: 64_800)]), as: UTF8.self) == "[\"18h\"]")
        #expect(String(decoding: try encoder.encode([Timestamp.distantFuture]), as: UTF8.self) == "[9223372036854775807]")
        let back = try JSONDecoder().decode([Timestamp].self, from: Data("[9223372036854775807, \"1970-01-01T00:00:00Z\"]".utf8))
        #expect(back == [.distantFuture, Timestamp(seconds: 0)])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([UInt256].self, from: Data("[\"-1\"]".utf8)) }
    }
}
