import Crypto

/// One audit-log entry: one domain operation with its postings, chained to the previous
/// entry by SHA-256.
///
/// The hash covers a canonical, length-prefixed encoding of every field (parameters sorted
/// by key) including `previousHash`, so altering, dropping or reordering any entry breaks
/// every later link.
///
/// ```swift
/// let entry = ledger.entries.last!
/// entry.hash == entry.computedHash()   // true
/// ```
public struct LedgerEntry: Sendable, Hashable, Codable {
    /// 1, 2, ... in order of recording.
    public var sequence: UInt64
    /// When the operation happened (the simulated or real clock).
    public var time: Timestamp
    /// Who acted (an account, `sentinel`, `governance`, ...).
    public var actor: String
    /// What was done (`subscribe`, `settle`, `fund`, ...).
    public var action: String
    /// The operation's inputs and results as strings.
    public var parameters: [String: String]
    /// The movements, in order (a later posting may spend what an earlier one brought).
    public var postings: [Posting]
    /// The previous entry's hash (``genesisHash`` for the first).
    public var previousHash: String
    /// SHA-256 of ``canonicalEncoding()``, lowercase hex.
    public var hash: String

    /// The link before the first entry: 64 zeros.
    ///
    /// ```swift
    /// LedgerEntry.genesisHash.count   // 64
    /// ```
    public static let genesisHash = String(repeating: "0", count: 64)

    /// An entry with its hash computed.
    ///
    /// ```swift
    /// LedgerEntry(sequence: 1, time: Timestamp(seconds: 0), actor: "a", action: "fund",
    ///             parameters: [:], postings: [], previousHash: LedgerEntry.genesisHash)
    /// ```
    public init(sequence: UInt64, time: Timestamp, actor: String, action: String,
                parameters: [String: String], postings: [Posting], previousHash: String) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.action = action
        self.parameters = parameters
        self.postings = postings
        self.previousHash = previousHash
        self.hash = ""
        self.hash = computedHash()
    }

    /// The bytes the hash covers: `halo-ledger-entry-v1` then each field as
    /// `<utf8 length>:<text>;`, parameters sorted by key, postings in order.
    ///
    /// ```swift
    /// String(decoding: entry.canonicalEncoding(), as: UTF8.self)
    /// ```
    public func canonicalEncoding() -> [UInt8] {
        // Written byte by byte, numbers straight from their digits: this runs for every entry
        // recorded and every entry of every replay. The bytes are exactly those of the
        // definition above (pinned by tests); only how they are produced is tuned.
        var out: [UInt8] = []
        out.reserveCapacity(estimatedEncodingSize)
        out.append(contentsOf: LedgerEntry.encodingPrefix)
        out.appendCanonicalField(unsigned: sequence)
        out.appendCanonicalField(signed: time.seconds)
        out.appendCanonicalField(actor)
        out.appendCanonicalField(action)
        out.appendCanonicalField(unsigned: UInt64(parameters.count))
        if parameters.count == 1, let only = parameters.first {
            out.appendCanonicalField(only.key)
            out.appendCanonicalField(only.value)
        } else if parameters.count > 1 {
            // Sorting the pairs reads each value once instead of looking every key up again.
            for (key, value) in parameters.sorted(by: { $0.key < $1.key }) {
                out.appendCanonicalField(key)
                out.appendCanonicalField(value)
            }
        }
        out.appendCanonicalField(unsigned: UInt64(postings.count))
        for posting in postings {
            out.appendCanonicalField(posting.asset)
            out.appendCanonicalSide(posting.from)
            out.appendCanonicalSide(posting.to)
            out.appendCanonicalField(posting.amount)
        }
        out.appendCanonicalField(previousHash)
        return out
    }

    /// SHA-256 of the canonical encoding, lowercase hex.
    ///
    /// ```swift
    /// entry.computedHash().count   // 64
    /// ```
    public func computedHash() -> String {
        let digest = SHA256.hash(data: canonicalEncoding())
        return digest.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: 64) { text in
                var index = 0
                for byte in bytes {
                    text[index] = LedgerEntry.hexDigit(byte >> 4)
                    text[index + 1] = LedgerEntry.hexDigit(byte & 0x0F)
                    index += 2
                }
                return index
            }
        }
    }

    private static let encodingPrefix: [UInt8] = Array("halo-ledger-entry-v1;".utf8)

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 &+ nibble : 0x57 &+ nibble }

    /// An upper bound for most entries, so the buffer is allocated once.
    private var estimatedEncodingSize: Int {
        var size = 160 + actor.utf8.count + action.utf8.count
        for (key, value) in parameters { size += 8 + key.utf8.count + value.utf8.count }
        size += postings.count * 160
        return size
    }
}

extension [UInt8] {
    /// Appends `<utf8 length>:<text>;`.
    @inline(__always)
    fileprivate mutating func appendCanonicalField(_ text: String) {
        appendDecimal(UInt64(text.utf8.count))
        append(0x3A)
        append(contentsOf: text.utf8)
        append(0x3B)
    }

    /// Appends the field of a number's decimal text (as `String(value)` spells it).
    fileprivate mutating func appendCanonicalField(unsigned value: UInt64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            let end = buffer.baseAddress! + 20
            let start = UInt256.writeDigits(of: value, endingAt: end)
            appendCanonicalField(bytes: UnsafeBufferPointer(start: start, count: end - start))
        }
    }

    /// Appends the field of a signed number's decimal text (`-` then the digits below zero).
    fileprivate mutating func appendCanonicalField(signed value: Int64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 21) { buffer in
            let end = buffer.baseAddress! + 21
            var start = UInt256.writeDigits(of: value.magnitude, endingAt: end)
            if value < 0 {
                start -= 1
                start.pointee = 0x2D
            }
            appendCanonicalField(bytes: UnsafeBufferPointer(start: start, count: end - start))
        }
    }

    /// Appends the field of an amount's decimal digits (as `UInt256.description` spells it).
    fileprivate mutating func appendCanonicalField(_ amount: UInt256) {
        amount.withDecimalDigits { digits in appendCanonicalField(bytes: digits) }
    }

    fileprivate mutating func appendCanonicalField(bytes: UnsafeBufferPointer<UInt8>) {
        appendDecimal(UInt64(bytes.count))
        append(0x3A)
        append(contentsOf: bytes)
        append(0x3B)
    }

    /// `7:account;<name field>` or `7:outside;<name field>`.
    fileprivate mutating func appendCanonicalSide(_ side: Posting.Side) {
        switch side {
        case .account(let name):
            append(contentsOf: [UInt8]._accountTag)
            appendCanonicalField(name)
        case .outside(let name):
            append(contentsOf: [UInt8]._outsideTag)
            appendCanonicalField(name)
        }
    }

    @inline(__always)
    private mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            append(UInt8(truncatingIfNeeded: 0x30 &+ value))
        } else if value < 100 {
            append(UInt8(truncatingIfNeeded: 0x30 &+ value / 10))
            append(UInt8(truncatingIfNeeded: 0x30 &+ value % 10))
        } else {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
                let end = buffer.baseAddress! + 20
                let start = UInt256.writeDigits(of: value, endingAt: end)
                append(contentsOf: UnsafeBufferPointer(start: start, count: end - start))
            }
        }
    }

    private static let _accountTag: [UInt8] = Array("7:account;".utf8)
    private static let _outsideTag: [UInt8] = Array("7:outside;".utf8)
}
