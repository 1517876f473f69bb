import PropertyBased
import Testing
@testable import HaloCore

/// The ledger's hash input must never change: journals, snapshots and signed settlement
/// statements on disk verify against it. The encoder is tuned for speed, so these tests
/// pin hashes computed by the original implementation and compare the tuned bytes with a
/// plain reference implementation (the original code, kept here verbatim) on random entries.
@Suite struct LedgerEntryEncodingTests {
    // MARK: Pinned hashes (SHA-256 of the encoding as defined, computed
    // independently of this code; the reference encoding below produces the same bytes)

    static let wad = UInt256.wad
    static let big = UInt256(w0: 0x0123_4567_89AB_CDEF, w1: 0xFEDC_BA98_7654_3210, w2: 7, w3: 0)

    static let pinned: [(LedgerEntry, String)] = [
        (LedgerEntry(sequence: 1, time: Timestamp(seconds: 1_772_442_000), actor: "external", action: "fund",
                     parameters: ["account": "prime-0", "asset": "USDS", "amount": "1000", "source": "external"],
                     postings: [.issue(asset: "USDS", to: "prime-0", amount: try! UInt256(1000).multiplied(by: wad),
                                       source: "external")],
                     previousHash: LedgerEntry.genesisHash),
         "8bfc51b2eb50d003758540e6ddd946c53444a78cb13f100ac863138e946677d3"),
        (LedgerEntry(sequence: 42, time: Timestamp(seconds: 1_772_456_400), actor: "prime-7", action: "subscribe",
                     parameters: ["account": "prime-7", "amount": "250.5", "shares": "250.5", "generation": "3",
                                  "reward_paid": "0.000000000000000123"],
                     postings: [.transfer(asset: "TBILL-A", from: HaloUnit.subscribeQueueAccount, to: "prime-7",
                                          amount: UInt256(123)),
                                .transfer(asset: "USDS", from: "prime-7", to: HaloUnit.subscribeQueueAccount,
                                          amount: try! UInt256(2505).multiplied(by: UInt256(100_000_000_000_000_000)))],
                     previousHash: String(repeating: "ab", count: 32)),
         "2582d265a9f89c76fcf6a7ce04520bed678b62b3fe8c6fcdf93278b77ebfb886"),
        (LedgerEntry(sequence: 10_000_000_000, time: Timestamp(seconds: -86_400), actor: "sentinel", action: "settle",
                     parameters: [:],
                     postings: [.burn(asset: "TBILL-A", from: HaloUnit.redeemQueueAccount, amount: big, sink: "unit"),
                                .issue(asset: "USDS", to: HaloUnit.almProxyAccount, amount: .max, source: "asset-manager"),
                                .transfer(asset: "USDS", from: "a", to: "b", amount: UInt256(w0: 0, w1: 1, w2: 0, w3: 0))],
                     previousHash: String(repeating: "0", count: 63) + "1"),
         "5cd3dbaad7ea09356117483d5f456a359b6ff374745fa1e1005401506faf2ecd"),
        (LedgerEntry(sequence: 7, time: Timestamp(seconds: 0), actor: "gouvernance-é", action: "rate-limit-set",
                     parameters: ["key": "deposit", "max": "10000000", "slope": "115.74", "Zeta": "ü", "last_updated": ""],
                     postings: [], previousHash: LedgerEntry.genesisHash),
         "f32a3e5e7dc8326e90a18fbee0c96a80c963e157c2623da0a02953b9a1becb35"),
    ]

    @Test func pinnedHashesAreUnchanged() {
        for (entry, expected) in Self.pinned {
            #expect(entry.hash == expected, "entry \(entry.sequence)")
            #expect(entry.computedHash() == expected, "entry \(entry.sequence)")
            #expect(entry.canonicalEncoding() == Self.referenceEncoding(entry), "entry \(entry.sequence)")
        }
    }

    // MARK: Tuned encoding == reference encoding

    @Test func encodingEqualsTheReferenceOnRandomEntries() async {
        await propertyCheck(count: 3000, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            let entry = Self.randomEntry(seed: seed)
            #expect(entry.canonicalEncoding() == Self.referenceEncoding(entry), "seed \(seed)")
            #expect(entry.hash.count == 64)
            #expect(entry.hash.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        }
    }

    @Test func decimalTextEqualsTheReferenceOnRandomValues() async {
        await propertyCheck(count: 3000, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var random = SplitMix64(seed: seed)
            let value = Self.randomAmount(&random)
            #expect(value.description == Self.referenceDescription(value), "seed \(seed)")
            let decimals = Int(random.next() % 78)
            #expect(FixedPointText.format(value, decimals: decimals) == Self.referenceFormat(value, decimals: decimals),
                    "seed \(seed) decimals \(decimals)")
            #expect(Amount(units: value).description == Self.referenceFormat(value, decimals: 18), "seed \(seed)")
        }
    }

    @Test func decimalTextEdgeCases() {
        var values: [UInt256] = [.zero, UInt256(1), UInt256(9), UInt256(10), UInt256(UInt64.max), .max, .wad]
        var power = UInt256(1)
        while let next = power.multipliedAdding(bySmall: 10, adding: 0) {
            values.append(power)
            if let below = try? power.subtracting(UInt256(1)) { values.append(below) }
            power = next
        }
        values.append(power)
        for value in values {
            #expect(value.description == Self.referenceDescription(value))
            for decimals in [0, 1, 6, 18, 19, 38, 76, 77] {
                #expect(FixedPointText.format(value, decimals: decimals) == Self.referenceFormat(value, decimals: decimals),
                        "\(value) decimals \(decimals)")
            }
        }
        #expect(UInt256.max.description.count == 78)
        #expect(Amount(units: UInt256(980)).description == "0.00000000000000098")
        #expect(FixedPointText.format(UInt256(1_500_000), decimals: 6) == "1.5")
    }

    // MARK: Random entries

    static let names = ["alice", "prime-12", HaloUnit.subscribeQueueAccount, HaloUnit.redeemQueueAccount,
                        HaloUnit.almProxyAccount, HaloUnit.assetManagerAccount, "", "ünïcode-账户", "a;b:c", "x"]
    static let keys = ["account", "amount", "shares", "generation", "reward_paid", "queue", "reward", "underlying",
                       "Key", "key", "k2", "é", "_", "asset", "source", "z", "ZZ", "aa", "a", "b:;"]
    static let values = ["", "0", "1000", "0.98", "250.5", "subscribe", "redeem", "unlimited", "ü", "-", "a b"]

    static func randomAmount(_ random: inout SplitMix64) -> UInt256 {
        switch random.next() % 6 {
        case 0: return UInt256(random.next() % 1000)
        case 1: return UInt256(random.next())
        case 2: return UInt256(w0: random.next(), w1: random.next() % 16, w2: 0, w3: 0)
        case 3: return UInt256(w0: random.next(), w1: random.next(), w2: 0, w3: 0)
        case 4: return UInt256(w0: random.next(), w1: random.next(), w2: random.next(), w3: 0)
        default: return UInt256(w0: random.next(), w1: random.next(), w2: random.next(), w3: random.next())
        }
    }

    static func randomEntry(seed: UInt64) -> LedgerEntry {
        var random = SplitMix64(seed: seed)
        func pick(_ list: [String]) -> String { list[Int(random.next() % UInt64(list.count))] }
        var parameters: [String: String] = [:]
        for _ in 0..<(random.next() % 8) { parameters[pick(keys)] = pick(values) }
        var postings: [Posting] = []
        for _ in 0..<(random.next() % 4) {
            func side() -> Posting.Side { random.next() % 3 == 0 ? .outside(pick(names)) : .account(pick(names)) }
            postings.append(Posting(asset: pick(["USDS", "TBILL-A", "CLO-AAA-H1-7", ""]), from: side(), to: side(),
                                    amount: randomAmount(&random)))
        }
        let sequence = random.next() % 3 == 0 ? random.next() : random.next() % 100_000
        let seconds = Int64(bitPattern: random.next() % 2 == 0 ? random.next() : random.next() % 4_000_000_000)
        let previous = random.next() % 5 == 0 ? LedgerEntry.genesisHash : String(repeating: "c0ffee", count: 10) + "beef"
        return LedgerEntry(sequence: sequence, time: Timestamp(seconds: seconds), actor: pick(names), action: pick(keys),
                           parameters: parameters, postings: postings, previousHash: previous)
    }

    // MARK: Reference implementations (the code before the tuning, verbatim)

    static func referenceEncoding(_ entry: LedgerEntry) -> [UInt8] {
        var out: [UInt8] = Array("halo-ledger-entry-v1;".utf8)
        func decimal(_ value: Int) {
            if value >= 10 { decimal(value / 10) }
            out.append(UInt8(48 + value % 10))
        }
        func field(_ text: String) {
            decimal(text.utf8.count)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: ";"))
        }
        func side(_ s: Posting.Side) {
            switch s {
            case .account(let name): field("account"); field(name)
            case .outside(let name): field("outside"); field(name)
            }
        }
        field(String(entry.sequence))
        field(String(entry.time.seconds))
        field(entry.actor)
        field(entry.action)
        field(String(entry.parameters.count))
        for key in entry.parameters.keys.sorted() {
            field(key)
            field(entry.parameters[key]!)
        }
        field(String(entry.postings.count))
        for posting in entry.postings {
            field(posting.asset)
            side(posting.from)
            side(posting.to)
            field(referenceDescription(posting.amount))
        }
        field(entry.previousHash)
        return out
    }

    static func referenceDescription(_ value: UInt256) -> String {
        if value.isZero { return "0" }
        if let small = value.uint64Value { return String(small) }
        var chunks: [UInt64] = []
        var rest = value
        while !rest.isZero {
            let (q, r) = rest.dividedReportingRemainder(bySmall: 10_000_000_000_000_000_000)
            chunks.append(r)
            rest = q
        }
        var bytes = Array(String(chunks.removeLast()).utf8)
        for chunk in chunks.reversed() {
            let digits = Array(String(chunk).utf8)
            bytes.append(contentsOf: [UInt8](repeating: 0x30, count: 19 - digits.count))
            bytes.append(contentsOf: digits)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func referenceFormat(_ units: UInt256, decimals: Int) -> String {
        let digits = Array(referenceDescription(units).utf8)
        guard decimals > 0 else { return String(decoding: digits, as: UTF8.self) }
        var padded = digits
        if padded.count <= decimals {
            padded = [UInt8](repeating: 0x30, count: decimals - padded.count + 1) + padded
        }
        let split = padded.count - decimals
        var end = padded.count
        while end > split, padded[end - 1] == 0x30 { end -= 1 }
        if end == split { return String(decoding: padded[..<split], as: UTF8.self) }
        var text = Array(padded[..<split])
        text.append(0x2E)
        text.append(contentsOf: padded[split..<end])
        return String(decoding: text, as: UTF8.self)
    }
}
