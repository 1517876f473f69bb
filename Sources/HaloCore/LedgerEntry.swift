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
        let bound = encodingBound
        return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            count = writeCanonicalEncoding(into: buffer.baseAddress!)
        }
    }

    /// SHA-256 of the canonical encoding, lowercase hex.
    ///
    /// ```swift
    /// entry.computedHash().count   // 64
    /// ```
    public func computedHash() -> String {
        // The encoding is written into one scratch buffer and hashed from there: no array.
        let digest = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: encodingBound) { buffer in
            let count = writeCanonicalEncoding(into: buffer.baseAddress!)
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: count))
            return hasher.finalize()
        }
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

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 &+ nibble : 0x57 &+ nibble }

    /// At least the size of the canonical encoding: each text field is its UTF-8 plus at most
    /// 22 bytes of length prefix and separators, each number field at most 26, an amount 82.
    private var encodingBound: Int {
        var size = 21 + 4 * 26 + actor.utf8.count + action.utf8.count + previousHash.utf8.count + 3 * 22
        for (key, value) in parameters { size += key.utf8.count + value.utf8.count + 2 * 22 }
        for posting in postings {
            size += posting.asset.utf8.count + 22 + 82 + 2 * (10 + 22)
            size += posting.from.name.utf8.count + posting.to.name.utf8.count
        }
        return size
    }

    /// Writes the canonical encoding at `start` (which has room for ``encodingBound``
    /// bytes) and returns its length.
    private func writeCanonicalEncoding(into start: UnsafeMutablePointer<UInt8>) -> Int {
        var out = CanonicalWriter(cursor: start)
        out.raw("halo-ledger-entry-v1;")
        out.number(sequence)
        out.number(time.seconds.magnitude, negative: time.seconds < 0)
        out.text(actor)
        out.text(action)
        out.number(UInt64(parameters.count))
        if parameters.count == 1, let only = parameters.first {
            out.text(only.key)
            out.text(only.value)
        } else if parameters.count > 1 {
            // The positions sorted by key in a scratch buffer (an insertion sort: an entry has a
            // handful), so no pair is copied and nothing is looked up again.
            typealias Position = Dictionary<String, String>.Index
            withUnsafeTemporaryAllocation(of: Position.self, capacity: parameters.count) { slots in
                let base = slots.baseAddress!
                var count = 0
                var position = parameters.startIndex
                while position != parameters.endIndex {
                    var slot = count
                    (base + slot).initialize(to: position)
                    while slot > 0, parameters[base[slot]].key < parameters[base[slot - 1]].key {
                        slots.swapAt(slot, slot - 1)
                        slot -= 1
                    }
                    count += 1
                    parameters.formIndex(after: &position)
                }
                for slot in 0..<count {
                    let (key, value) = parameters[base[slot]]
                    out.text(key)
                    out.text(value)
                }
                base.deinitialize(count: count)
            }
        }
        out.number(UInt64(postings.count))
        for posting in postings {
            out.text(posting.asset)
            out.side(posting.from)
            out.side(posting.to)
            out.amount(posting.amount)
        }
        out.text(previousHash)
        return out.cursor - start
    }
}

extension Posting.Side {
    /// The name of the account or of the outside party.
    fileprivate var name: String {
        switch self {
        case .account(let name), .outside(let name): name
        }
    }
}

/// Writes canonical fields (`<utf8 length>:<text>;`) forward from a pointer into memory
/// the caller sized with ``LedgerEntry/encodingBound``.
private struct CanonicalWriter {
    var cursor: UnsafeMutablePointer<UInt8>

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        cursor.pointee = value
        cursor += 1
    }

    @inline(__always)
    mutating func bytes(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let source = buffer.baseAddress, buffer.count > 0 else { return }
        cursor.update(from: source, count: buffer.count)
        cursor += buffer.count
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes($0) }
    }

    /// A length prefix: its decimal digits, as `String(count)` spells them.
    @inline(__always)
    mutating func length(_ count: Int) {
        if count < 10 {
            byte(UInt8(truncatingIfNeeded: 0x30 &+ count))
        } else if count < 100 {
            byte(UInt8(truncatingIfNeeded: 0x30 &+ count / 10))
            byte(UInt8(truncatingIfNeeded: 0x30 &+ count % 10))
        } else {
            digits(UInt64(count))
        }
    }

    /// The decimal digits of `value`, written in place.
    @inline(__always)
    mutating func digits(_ value: UInt64) {
        var width = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            width += 1
        }
        cursor += width
        _ = UInt256.writeDigits(of: value, endingAt: cursor)
    }

    mutating func text(_ text: String) {
        let utf8 = text.utf8
        length(utf8.count)
        byte(0x3A)
        if utf8.withContiguousStorageIfAvailable({ bytes($0) }) == nil {
            for unit in utf8 { byte(unit) }
        }
        byte(0x3B)
    }

    /// A number's field, `-` first below zero (as `String(value)` spells it).
    mutating func number(_ magnitude: UInt64, negative: Bool = false) {
        var width = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            width += 1
        }
        length(negative ? width + 1 : width)
        byte(0x3A)
        if negative { byte(0x2D) }
        digits(magnitude)
        byte(0x3B)
    }

    /// An amount's field: its decimal digits (as `UInt256.description` spells them).
    mutating func amount(_ value: UInt256) {
        value.withDecimalDigits { digits in
            length(digits.count)
            byte(0x3A)
            bytes(digits)
            byte(0x3B)
        }
    }

    /// `7:account;<name field>` or `7:outside;<name field>`.
    mutating func side(_ side: Posting.Side) {
        switch side {
        case .account(let name):
            raw("7:account;")
            text(name)
        case .outside(let name):
            raw("7:outside;")
            text(name)
        }
    }
}
