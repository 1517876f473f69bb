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
        var out: [UInt8] = Array("halo-ledger-entry-v1;".utf8)
        out.reserveCapacity(512)
        // Digits are appended directly: this runs for every entry of every replay.
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
        field(String(sequence))
        field(String(time.seconds))
        field(actor)
        field(action)
        field(String(parameters.count))
        for key in parameters.keys.sorted() {
            field(key)
            field(parameters[key]!)
        }
        field(String(postings.count))
        for posting in postings {
            field(posting.asset)
            side(posting.from)
            side(posting.to)
            field(posting.amount.description)
        }
        field(previousHash)
        return out
    }

    /// SHA-256 of the canonical encoding, lowercase hex.
    ///
    /// ```swift
    /// entry.computedHash().count   // 64
    /// ```
    public func computedHash() -> String {
        let digest = SHA256.hash(data: canonicalEncoding())
        let hexDigits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in digest {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
