/// One double-entry movement of one asset between two sides. A side is a ledger account
/// or the outside world: from outside = issued into the book, to outside = burned.
///
/// ```swift
/// Posting.transfer(asset: "USDS", from: "alice", to: "unit:subscribe-queue", amount: tokens("1000"))
/// Posting.issue(asset: "TBILL-A", to: "unit:subscribe-queue", amount: tokens("980"), source: "unit")
/// ```
public struct Posting: Sendable, Hashable, CustomStringConvertible, Codable {
    /// Either end of a posting.
    public enum Side: Sendable, Hashable, CustomStringConvertible, Codable {
        /// A ledger account (balances are kept, never negative).
        case account(String)
        /// Outside the book: the source of an issue or the sink of a burn.
        case outside(String)

        /// `name` for an account, `outside:name` otherwise.
        ///
        /// ```swift
        /// Posting.Side.outside("asset-manager").description   // "outside:asset-manager"
        /// ```
        public var description: String {
            switch self {
            case .account(let name): name
            case .outside(let name): "outside:\(name)"
            }
        }

        /// The account name, nil for the outside.
        ///
        /// ```swift
        /// Posting.Side.account("alice").accountName   // "alice"
        /// ```
        public var accountName: String? {
            if case .account(let name) = self { return name }
            return nil
        }
    }

    /// The asset moved (`USDS`, `TBILL-A`).
    public var asset: String
    /// Where it comes from.
    public var from: Side
    /// Where it goes.
    public var to: Side
    /// How much, in base units (never zero).
    public var amount: UInt256

    /// A posting between any two sides.
    ///
    /// ```swift
    /// Posting(asset: "USDS", from: .account("a"), to: .account("b"), amount: UInt256(1))
    /// ```
    public init(asset: String, from: Side, to: Side, amount: UInt256) {
        self.asset = asset
        self.from = from
        self.to = to
        self.amount = amount
    }

    /// Money entering the book from `source`.
    ///
    /// ```swift
    /// Posting.issue(asset: "USDS", to: "alice", amount: UInt256(1), source: "bank")
    /// ```
    public static func issue(asset: String, to: String, amount: UInt256, source: String) -> Posting {
        Posting(asset: asset, from: .outside(source), to: .account(to), amount: amount)
    }

    /// Money leaving the book to `sink`.
    ///
    /// ```swift
    /// Posting.burn(asset: "TBILL-A", from: "unit:redeem-queue", amount: UInt256(1), sink: "unit")
    /// ```
    public static func burn(asset: String, from: String, amount: UInt256, sink: String) -> Posting {
        Posting(asset: asset, from: .account(from), to: .outside(sink), amount: amount)
    }

    /// Money moving between two accounts.
    ///
    /// ```swift
    /// Posting.transfer(asset: "USDS", from: "a", to: "b", amount: UInt256(1))
    /// ```
    public static func transfer(asset: String, from: String, to: String, amount: UInt256) -> Posting {
        Posting(asset: asset, from: .account(from), to: .account(to), amount: amount)
    }

    /// `asset amount from -> to`, amount in base units.
    ///
    /// ```swift
    /// Posting.transfer(asset: "USDS", from: "a", to: "b", amount: UInt256(1)).description
    /// // "USDS 1 a -> b"
    /// ```
    public var description: String { "\(asset) \(amount) \(from) -> \(to)" }
}
