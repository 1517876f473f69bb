/// The double-entry book of a Unit (DOMAIN.md §5): balances per account and asset, moved
/// only by postings, with an append-only, hash-chained audit log of entries.
///
/// Invariants: no balance is ever negative (`insufficient-balance`), and per asset the
/// sum of balances equals what was issued minus what was burned. One ``record(time:actor:action:parameters:postings:)``
/// = one entry = one domain operation, applied all-or-nothing.
///
/// ```swift
/// var ledger = Ledger()
/// try ledger.issue(asset: "USDS", to: "alice", amount: tokens("1000"), source: "bank")
/// try ledger.transfer(asset: "USDS", from: "alice", to: "bob", amount: tokens("400"))
/// ledger.balance(of: "bob", asset: "USDS")   // 400 tokens
/// try Ledger.replay(ledger.entries) == ledger   // true
/// ```
public struct Ledger: Sendable, Equatable, Codable {
    /// The entries kept in memory, in order; never rewritten. All of them unless
    /// ``retainedEntries`` limits the window (a long-running Sentinel, whose journal is the
    /// durable log, keeps only the recent ones).
    public private(set) var entries: [LedgerEntry] = []
    /// How many entries were ever recorded (the last sequence number).
    public private(set) var entryCount: UInt64 = 0
    /// The hash of the last entry ever recorded.
    public private(set) var headHash: String = LedgerEntry.genesisHash
    /// Keep at most about this many recent entries in memory (nil: keep all). Balances, totals,
    /// sequence and head hash are unaffected.
    ///
    /// 0 keeps a book of balances only, for a simulation that reports balances and is never
    /// audited: ``post(time:actor:action:parameters:postings:)`` then checks and applies the
    /// postings exactly as before and counts ``entryCount`` on, but builds, hashes and keeps no
    /// entry, so ``headHash`` stays where it was. ``record(time:actor:action:parameters:postings:)``
    /// still builds, chains and returns its entry (and keeps none).
    public var retainedEntries: Int? = nil
    /// asset -> account -> balance; zero balances are removed so equal books compare equal.
    private var book: [String: [String: UInt256]] = [:]
    /// Total issued per asset.
    public private(set) var issued: [String: UInt256] = [:]
    /// Total burned per asset.
    public private(set) var burned: [String: UInt256] = [:]

    /// An empty book.
    ///
    /// ```swift
    /// Ledger().entries.isEmpty   // true
    /// ```
    public init() {}

    /// The balance of an account in an asset (0 if none).
    ///
    /// ```swift
    /// ledger.balance(of: "alice", asset: "USDS")
    /// ```
    public func balance(of account: String, asset: String) -> UInt256 { book[asset]?[account] ?? .zero }

    /// Every non-zero balance of one asset, by account.
    ///
    /// ```swift
    /// ledger.balances(asset: "USDS")["alice"]
    /// ```
    public func balances(asset: String) -> [String: UInt256] { book[asset] ?? [:] }

    /// Every non-zero balance, account -> asset -> amount (the shape of `final.accounts`).
    ///
    /// ```swift
    /// ledger.allBalances["alice"]?["TBILL-A"]
    /// ```
    public var allBalances: [String: [String: UInt256]] {
        var result: [String: [String: UInt256]] = [:]
        for (asset, accounts) in book {
            for (account, amount) in accounts { result[account, default: [:]][asset] = amount }
        }
        return result
    }

    /// Every asset ever issued, sorted.
    ///
    /// ```swift
    /// ledger.assets   // ["TBILL-A", "USDS"]
    /// ```
    public var assets: [String] { Set(issued.keys).union(book.keys).sorted() }

    /// Issued minus burned: what the balances of an asset must add up to.
    ///
    /// ```swift
    /// ledger.supply(of: "USDS")
    /// ```
    public func supply(of asset: String) -> UInt256 {
        (try? (issued[asset] ?? .zero).subtracting(burned[asset] ?? .zero)) ?? .zero
    }

    /// The last entry's hash (``LedgerEntry/genesisHash`` when empty): the chain head.
    ///
    /// ```swift
    /// Ledger().headHash == LedgerEntry.genesisHash   // true
    /// ```

    // MARK: Recording

    /// Applies `postings` in order, all or nothing, and appends one entry for them.
    ///
    /// Refused (nothing changes): `zero-amount` for a zero posting or one between two
    /// outside sides, `insufficient-balance` when a debit exceeds the balance at that
    /// point of the entry, `overflow` when an asset's issued total would pass 2^256 - 1.
    ///
    /// ```swift
    /// try ledger.record(time: now, actor: "alice", action: "subscribe", parameters: ["amount": "1000"],
    ///                   postings: [.transfer(asset: "USDS", from: "alice", to: "unit:subscribe-queue",
    ///                                        amount: tokens("1000"))])
    /// ```
    @discardableResult
    public mutating func record(
        time: Timestamp, actor: String, action: String, parameters: [String: String] = [:], postings: [Posting]
    ) throws(HaloError) -> LedgerEntry {
        let entry = LedgerEntry(sequence: entryCount + 1, time: time, actor: actor, action: action,
                                parameters: parameters, postings: postings, previousHash: headHash)
        try append(entry)
        return entry
    }

    /// What ``record(time:actor:action:parameters:postings:)`` does, for a caller that does not
    /// need the entry: with ``retainedEntries`` 0 no entry is built (nor `parameters` evaluated,
    /// nor anything hashed); the postings are checked and applied the same way, with the same
    /// refusals, and ``entryCount`` counts on.
    ///
    /// ```swift
    /// try ledger.post(time: now, actor: "alice", action: "fund", parameters: ["amount": "1000"],
    ///                 postings: [.issue(asset: "USDS", to: "alice", amount: tokens("1000"), source: "bank")])
    /// ```
    public mutating func post(
        time: Timestamp, actor: String, action: String, parameters: @autoclosure () -> [String: String] = [:],
        postings: [Posting]
    ) throws(HaloError) {
        guard retainedEntries == 0 else {
            try record(time: time, actor: actor, action: action, parameters: parameters(), postings: postings)
            return
        }
        try apply(validate(postings))
        entryCount += 1
    }

    /// Brings `amount` of `asset` into the book for `to`, from an outside `source`; one entry.
    ///
    /// ```swift
    /// try ledger.issue(asset: "USDS", to: "alice", amount: tokens("1000"), source: "bank")
    /// ```
    @discardableResult
    public mutating func issue(asset: String, to account: String, amount: UInt256, source: String,
                               at time: Timestamp = Timestamp(seconds: 0), actor: String = "system") throws(HaloError) -> LedgerEntry {
        try record(time: time, actor: actor, action: "issue", parameters: ["source": source],
                   postings: [.issue(asset: asset, to: account, amount: amount, source: source)])
    }

    /// Takes `amount` of `asset` out of the book from `from`; one entry.
    ///
    /// ```swift
    /// try ledger.burn(asset: "TBILL-A", from: "unit:redeem-queue", amount: tokens("500"))
    /// ```
    @discardableResult
    public mutating func burn(asset: String, from account: String, amount: UInt256, sink: String = "burn",
                              at time: Timestamp = Timestamp(seconds: 0), actor: String = "system") throws(HaloError) -> LedgerEntry {
        try record(time: time, actor: actor, action: "burn", parameters: ["sink": sink],
                   postings: [.burn(asset: asset, from: account, amount: amount, sink: sink)])
    }

    /// Moves `amount` of `asset` between two accounts; one entry.
    ///
    /// ```swift
    /// try ledger.transfer(asset: "USDS", from: "alice", to: "bob", amount: tokens("1"))
    /// ```
    @discardableResult
    public mutating func transfer(asset: String, from: String, to: String, amount: UInt256,
                                  at time: Timestamp = Timestamp(seconds: 0), actor: String = "system") throws(HaloError) -> LedgerEntry {
        try record(time: time, actor: actor, action: "transfer", parameters: [:],
                   postings: [.transfer(asset: asset, from: from, to: to, amount: amount)])
    }

    /// Checks an entry's postings against the book and returns the new balances they lead
    /// to, without changing anything. Only the touched (asset, account) pairs are copied,
    /// into short lists: an entry has one to a few postings, so a linear scan beats hashing.
    func validate(_ postings: [Posting]) throws(HaloError) -> PendingChanges {
        var changes = PendingChanges()
        if postings.isEmpty { return changes }
        changes.balances.reserveCapacity(2 * postings.count)
        // The accounts of the asset looked up last: the postings of an entry mostly share
        // assets. Held only while checking, so applying never copies a shared table.
        var cachedAsset: String?
        var cachedAccounts: [String: UInt256]?
        func current(_ asset: String, _ account: String) -> (Int?, UInt256) {
            if let found = changes.pending(asset: asset, account: account) { return (found.index, found.amount) }
            if cachedAsset != asset {
                cachedAsset = asset
                cachedAccounts = book[asset]
            }
            return (nil, cachedAccounts?[account] ?? .zero)
        }
        for posting in postings {
            guard !posting.amount.isZero else { throw .zeroAmount }
            let asset = posting.asset
            switch (posting.from, posting.to) {
            case (.outside, .outside):
                throw .zeroAmount
            case (.outside, .account(let to)):
                let total = changes.issuedIndex(asset).map { changes.issued[$0].total } ?? issued[asset] ?? .zero
                let newTotal = try checked { () throws(AmountError) in try total.adding(posting.amount) }
                changes.setIssued(asset, newTotal)
                // Cannot overflow: every balance is at most the issued total, checked above.
                let (index, have) = current(asset, to)
                changes.set(index, asset: asset, account: to,
                            try checked { () throws(AmountError) in try have.adding(posting.amount) })
            case (.account(let from), let to):
                let (index, have) = current(asset, from)
                guard posting.amount <= have else {
                    throw .insufficientBalance(account: from, asset: asset, balance: have, required: posting.amount)
                }
                changes.set(index, asset: asset, account: from,
                            try checked { () throws(AmountError) in try have.subtracting(posting.amount) })
                switch to {
                case .account(let name):
                    let (target, held) = current(asset, name)
                    changes.set(target, asset: asset, account: name,
                                try checked { () throws(AmountError) in try held.adding(posting.amount) })
                case .outside:
                    let total = changes.burnedIndex(asset).map { changes.burned[$0].total } ?? burned[asset] ?? .zero
                    changes.setBurned(asset, try checked { () throws(AmountError) in try total.adding(posting.amount) })
                }
            }
        }
        return changes
    }

    /// Validates, applies and appends an already-built entry (recording and replay).
    private mutating func append(_ entry: LedgerEntry) throws(HaloError) {
        try apply(validate(entry.postings))
        entryCount = entry.sequence
        headHash = entry.hash
        if retainedEntries == 0 { return }
        entries.append(entry)
        // Trim in halves so the cost stays amortised O(1) per entry.
        if let limit = retainedEntries.map({ max($0, 1) }), entries.count > 2 * limit {
            entries.removeFirst(entries.count - limit)
        }
    }

    /// Writes checked changes into the book and the issued and burned totals.
    private mutating func apply(_ changes: PendingChanges) {
        for change in changes.balances {
            // One lookup of the asset, then the account changed in place.
            if let index = book.index(forKey: change.asset) {
                if change.amount.isZero {
                    book.values[index][change.account] = nil
                    if book.values[index].isEmpty { book.remove(at: index) }
                } else {
                    book.values[index][change.account] = change.amount
                }
            } else if !change.amount.isZero {
                book[change.asset] = [change.account: change.amount]
            }
        }
        for (asset, total) in changes.issued { issued[asset] = total }
        for (asset, total) in changes.burned { burned[asset] = total }
    }

    // MARK: Verification

    /// Rebuilds a book from its entries, verifying each link, hash and sequence number and
    /// re-applying every posting. The result equals the ledger that wrote the entries.
    ///
    /// ```swift
    /// let rebuilt = try Ledger.replay(ledger.entries)
    /// rebuilt.allBalances == ledger.allBalances   // true
    /// ```
    public static func replay(_ entries: [LedgerEntry]) throws(HaloError) -> Ledger {
        var ledger = Ledger()
        for entry in entries {
            try ledger.verifyLink(entry)
            do { try ledger.append(entry) } catch {
                throw .ledgerInvalid("entry \(entry.sequence) does not apply: \(error.message)")
            }
        }
        return ledger
    }

    /// Verifies the hash chain of this ledger's entries (each hash recomputes, each
    /// `previousHash` is the one before, sequences count 1, 2, ...).
    ///
    /// ```swift
    /// try ledger.verifyChain()
    /// ```
    public func verifyChain() throws(HaloError) {
        // With a retention window the first kept entry links to one no longer in memory.
        guard let first = entries.first else { return }
        var previous = first.sequence == 1 ? LedgerEntry.genesisHash : first.previousHash
        let offset = Int(first.sequence) - 1
        for (index, entry) in entries.enumerated() {
            try Ledger.verify(entry, index: offset + index, previousHash: previous)
            previous = entry.hash
        }
    }

    /// Verifies per asset that the balances add up to issued minus burned.
    ///
    /// ```swift
    /// try ledger.verifyConservation()
    /// ```
    public func verifyConservation() throws(HaloError) {
        for asset in assets {
            var sum = UInt256.zero
            for amount in balances(asset: asset).values {
                sum = try checked { () throws(AmountError) in try sum.adding(amount) }
            }
            let expected = try checked { () throws(AmountError) in
                try (issued[asset] ?? .zero).subtracting(burned[asset] ?? .zero)
            }
            guard sum == expected else {
                throw .ledgerInvalid("\(asset): balances sum to \(sum), issued - burned is \(expected)")
            }
        }
    }

    private func verifyLink(_ entry: LedgerEntry) throws(HaloError) {
        try Ledger.verify(entry, index: Int(entryCount), previousHash: headHash)
    }

    private static func verify(_ entry: LedgerEntry, index: Int, previousHash: String) throws(HaloError) {
        guard entry.sequence == UInt64(index + 1) else {
            throw .ledgerInvalid("entry at position \(index + 1) has sequence \(entry.sequence)")
        }
        guard entry.previousHash == previousHash else {
            throw .ledgerInvalid("entry \(entry.sequence) does not link to the previous entry")
        }
        guard entry.hash == entry.computedHash() else {
            throw .ledgerInvalid("entry \(entry.sequence) hash does not match its contents")
        }
    }
}
