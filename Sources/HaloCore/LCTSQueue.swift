/// One LCTS queue vault (DOMAIN.md §2): deposits of an underlying asset wait in a
/// *generation*, settlement converts up to a capacity into a reward asset, and accounts
/// claim their pro-rata reward through a cumulative `rewardPerToken`.
///
/// Pure math, no ledger: the Unit moves the tokens. Every operation is O(1) in the number
/// of accounts (one position read, one written) and every refusal throws ``HaloError``
/// and leaves the queue unchanged. Amounts are base units; divisions round toward zero,
/// so rounding dust stays in the queue and is never paid out.
///
/// ```swift
/// var queue = LCTSQueue()
/// _ = try queue.deposit(account: "alice", amount: UInt256(1000))
/// queue.lock()
/// _ = try queue.settle(capacity: UInt256(1000)) { converted in UInt256(980) }
/// try queue.claim(account: "alice")   // 980; the queue is dormant again
/// ```
public struct LCTSQueue: Sendable, Equatable, Codable {
    /// An account's stake in one generation. Positions are not transferable.
    public struct Position: Sendable, Hashable, Codable {
        /// The generation the shares belong to.
        public var generation: UInt64
        /// Shares of that generation's underlying.
        public var shares: UInt256
        /// `rewardPerToken` (WAD) already accounted to this position.
        public var rewardDebt: UInt256

        /// A position.
        ///
        /// ```swift
        /// LCTSQueue.Position(generation: 1, shares: UInt256(10), rewardDebt: .zero)
        /// ```
        public init(generation: UInt64, shares: UInt256, rewardDebt: UInt256) {
            self.generation = generation
            self.shares = shares
            self.rewardDebt = rewardDebt
        }
    }

    /// The current (active or locked) generation; a queue has at most one.
    public struct Generation: Sendable, Hashable, Codable {
        /// Its id (1, 2, ...).
        public var id: UInt64
        /// `.active` or `.locked`, never `.dormant`.
        public var status: QueueStatus
        /// Shares outstanding.
        public var totalShares: UInt256
        /// Underlying not yet converted.
        public var totalUnderlying: UInt256
        /// Cumulative reward per share, WAD-scaled.
        public var rewardPerToken: UInt256
    }

    /// Everything but the maps, so a planned operation can be applied by replacing it.
    struct Header: Sendable, Hashable, Codable {
        var current: Generation?
        var lastGenerationID: UInt64 = 0
        var rewardMinted: UInt256 = .zero
        var rewardPaid: UInt256 = .zero
        var underlyingConverted: UInt256 = .zero
    }

    /// The result of a planned operation: applying it cannot fail. Lets a Unit check its
    /// ledger postings before any state changes, without copying the position map.
    struct Transition: Sendable {
        var header: Header
        /// The account whose position changes, hashed once for the plan and the apply.
        var key: PositionStore.Key?
        var position: Position?
        var finalize: (id: UInt64, rewardPerToken: UInt256)?
    }

    var header = Header()
    /// Final rewardPerToken of every finalized generation, by id. Values never change.
    public internal(set) var finalized: [UInt64: UInt256] = [:] {
        didSet { finalizedByID = Self.dense(finalized) }
    }
    /// The same as an array indexed by id (ids count up from 1, one a day or so): a claim or
    /// exit on an old position reads it without hashing. Empty when an id is too large for an
    /// array (then `finalized` is read). Derived: not encoded, not compared.
    var finalizedByID: [UInt256?] = []

    /// ``finalizedByID`` for `finalized`: ids up to 2^20, else empty.
    static func dense(_ finalized: [UInt64: UInt256]) -> [UInt256?] {
        guard let top = finalized.keys.max(), top < 1 << 20 else { return [] }
        var result = [UInt256?](repeating: nil, count: Int(top) + 1)
        for (id, value) in finalized { result[Int(id)] = value }
        return result
    }

    /// A finalized generation's final rewardPerToken, or nil.
    @inline(__always) func finalRewardPerToken(_ id: UInt64) -> UInt256? {
        if id < UInt64(finalizedByID.count) { return finalizedByID[Int(id)] }
        // Past the array: only an id beyond every finalized one, unless the ids were too large.
        return finalizedByID.isEmpty && !finalized.isEmpty ? finalized[id] : nil
    }
    /// One position per account (in the current or a finalized generation), in a dense
    /// open-addressing table (``PositionStore``): 1e6 positions fit in about half the memory
    /// of a dictionary and a lookup waits on memory once.
    var store = PositionStore()

    /// One position per account (in the current or a finalized generation), as a dictionary:
    /// a copy built on each read (O(n)); operations look accounts up in place.
    public var positions: [String: Position] { store.dictionary }

    /// How many accounts hold a position.
    public var positionCount: Int { store.count }

    /// The position of `account`, if it holds one.
    ///
    /// ```swift
    /// queue.position(of: "alice")?.shares
    /// ```
    public func position(of account: String) -> Position? { store[account] }

    /// An empty, dormant queue.
    ///
    /// ```swift
    /// LCTSQueue().status   // .dormant
    /// ```
    public init() {}

    // MARK: Reading

    /// The current generation, nil when dormant.
    ///
    /// ```swift
    /// queue.current?.totalShares
    /// ```
    public var current: Generation? { header.current }

    /// `dormant`, `active` or `locked`.
    ///
    /// ```swift
    /// LCTSQueue().status   // .dormant
    /// ```
    public var status: QueueStatus { header.current?.status ?? .dormant }

    /// The current generation's id, or the last one used when dormant (0 = never used).
    ///
    /// ```swift
    /// LCTSQueue().generation   // 0
    /// ```
    public var generation: UInt64 { header.current?.id ?? header.lastGenerationID }

    /// The last generation id handed out (0 = none yet).
    ///
    /// ```swift
    /// LCTSQueue().lastGeneration   // 0
    /// ```
    public var lastGeneration: UInt64 { header.lastGenerationID }

    /// Shares outstanding in the current generation (0 when dormant).
    ///
    /// ```swift
    /// LCTSQueue().totalShares   // 0
    /// ```
    public var totalShares: UInt256 { header.current?.totalShares ?? .zero }

    /// Underlying waiting in the current generation (0 when dormant).
    ///
    /// ```swift
    /// LCTSQueue().totalUnderlying   // 0
    /// ```
    public var totalUnderlying: UInt256 { header.current?.totalUnderlying ?? .zero }

    /// The current generation's rewardPerToken, WAD (0 when dormant).
    ///
    /// ```swift
    /// LCTSQueue().rewardPerToken   // 0
    /// ```
    public var rewardPerToken: UInt256 { header.current?.rewardPerToken ?? .zero }

    /// Total reward asset minted into this queue by settlements.
    ///
    /// ```swift
    /// LCTSQueue().rewardMinted   // 0
    /// ```
    public var rewardMinted: UInt256 { header.rewardMinted }

    /// Total reward asset paid out to accounts; never exceeds ``rewardMinted``.
    ///
    /// ```swift
    /// LCTSQueue().rewardPaid   // 0
    /// ```
    public var rewardPaid: UInt256 { header.rewardPaid }

    /// Total underlying converted by settlements.
    ///
    /// ```swift
    /// LCTSQueue().underlyingConverted   // 0
    /// ```
    public var underlyingConverted: UInt256 { header.underlyingConverted }

    /// Reward the account could claim now (0 without a position). A view: it ignores the
    /// lock, which only delays the claim.
    ///
    /// ```swift
    /// queue.pendingReward(account: "alice")
    /// ```
    public func pendingReward(account: String) -> UInt256 {
        guard let position = store[account] else { return .zero }
        return (try? reward(of: position)) ?? .zero
    }

    /// The account's pro-rata underlying in the current generation, rounded down (what
    /// `exit` would return now); 0 for a finalized position.
    ///
    /// ```swift
    /// queue.underlying(of: "alice")
    /// ```
    public func underlying(of account: String) -> UInt256 {
        guard let position = store[account], let current = header.current,
              position.generation == current.id, !current.totalShares.isZero
        else { return .zero }
        return (try? UInt256.mulDiv(position.shares, current.totalUnderlying, current.totalShares)) ?? .zero
    }

    // MARK: Operations

    /// What a deposit did.
    public struct DepositOutcome: Sendable, Hashable, Codable {
        /// The generation the deposit joined.
        public var generation: UInt64
        /// Whether the deposit opened that generation (the queue was dormant).
        public var openedGeneration: Bool
        /// Shares minted for the amount.
        public var shares: UInt256
        /// Reward paid out first: a finalized position's final reward, or the pending reward
        /// in the active generation.
        public var rewardPaid: UInt256
    }

    /// Puts `amount` underlying into the queue for `account`.
    ///
    /// Refused with `zero-amount` for 0 (or an amount too small to mint one share, ours),
    /// `queue-locked` while LOCKED. A position in a finalized generation is paid out and
    /// replaced; in the active generation its pending reward is paid first (ours: paying,
    /// not forfeiting). A dormant queue opens a new generation. Shares minted: `amount`
    /// when `totalShares == 0`, else `amount * totalShares / totalUnderlying`.
    ///
    /// ```swift
    /// let outcome = try queue.deposit(account: "alice", amount: UInt256(1000))
    /// outcome.shares   // 1000 in a fresh generation
    /// ```
    @discardableResult
    public mutating func deposit(account: String, amount: UInt256) throws(HaloError) -> DepositOutcome {
        let (outcome, transition) = try planDeposit(account: account, amount: amount)
        apply(transition)
        return outcome
    }

    /// Locks the active generation for settlement. Dormant or already locked: no-op (ours).
    /// Returns whether anything changed.
    ///
    /// ```swift
    /// queue.lock()   // true if it was active
    /// ```
    @discardableResult
    public mutating func lock() -> Bool {
        guard var current = header.current, current.status == .active else { return false }
        current.status = .locked
        header.current = current
        return true
    }

    /// What a settlement did.
    public struct SettleOutcome: Sendable, Hashable, Codable {
        /// Underlying converted: `min(capacity, totalUnderlying)`.
        public var converted: UInt256
        /// Reward asset the converter returned for it.
        public var minted: UInt256
        /// The generation that finalized (all its underlying converted), if any.
        public var finalizedGeneration: UInt64?
    }

    /// Settles the LOCKED generation: converts `min(capacity, totalUnderlying)` through
    /// `mint` (which returns the reward minted for it), raises rewardPerToken by
    /// `minted * WAD / totalShares`, then unlocks, or finalizes the generation and goes
    /// dormant when nothing is left. Active queue: `not-locked`. Dormant: no-op (ours).
    /// Zero capacity: nothing converts, `mint` is not called, the queue unlocks (ours).
    ///
    /// ```swift
    /// queue.lock()
    /// let s = try queue.settle(capacity: UInt256(2000)) { UInt256(1960) }
    /// s.converted   // 2000
    /// ```
    @discardableResult
    public mutating func settle(
        capacity: UInt256, mint: (UInt256) throws(HaloError) -> UInt256
    ) throws(HaloError) -> SettleOutcome {
        let (outcome, transition) = try planSettle(capacity: capacity, mint: mint)
        apply(transition)
        return outcome
    }

    /// Pays the account's pending reward: in the ACTIVE generation it stays in; in a
    /// finalized one the position is cleared. `no-position`, or `queue-locked` while its
    /// generation is LOCKED. Nothing pending pays 0.
    ///
    /// ```swift
    /// try queue.claim(account: "alice")   // reward in base units
    /// ```
    @discardableResult
    public mutating func claim(account: String) throws(HaloError) -> UInt256 {
        let (reward, transition) = try planClaim(account: account)
        apply(transition)
        return reward
    }

    /// Claim-and-exit of the whole position in the ACTIVE generation: pending reward plus
    /// `shares * totalUnderlying / totalShares`. The last account out leaves the queue
    /// dormant. For a finalized position this is a claim that clears it, underlying 0
    /// (ours). `no-position`, `queue-locked`.
    ///
    /// ```swift
    /// let (reward, underlying) = try queue.exit(account: "alice")
    /// ```
    @discardableResult
    public mutating func exit(account: String) throws(HaloError) -> (reward: UInt256, underlying: UInt256) {
        let (result, transition) = try planExit(account: account)
        apply(transition)
        return result
    }

    // MARK: Planning (pure) and applying (infallible)

    // Each operation on an account takes its key first (``PositionStore/key(_:)``): one hash,
    // and at 1e6 positions the position's memory reads under way while the checks and the
    // arithmetic that do not need the position run.

    func planDeposit(account: String, amount: UInt256) throws(HaloError) -> (DepositOutcome, Transition) {
        guard !amount.isZero else { throw .zeroAmount }
        let key = store.key(account)
        var header = self.header
        if header.current?.status == .locked { throw .queueLocked }
        var opened = false
        var current: Generation
        if let existing = header.current {
            current = existing
        } else {
            header.lastGenerationID += 1
            current = Generation(id: header.lastGenerationID, status: .active, totalShares: .zero,
                                 totalUnderlying: .zero, rewardPerToken: .zero)
            opened = true
        }
        // The shares minted do not depend on the position: computed while its lines arrive. A
        // failure is thrown after the position's reward, in the order the rules are checked.
        let minting = Result { () throws(AmountError) in
            current.totalShares.isZero
                ? amount : try UInt256.mulDiv(amount, current.totalShares, current.totalUnderlying)
        }
        var rewardPaid = UInt256.zero
        var previousShares = UInt256.zero
        if let position = store[key] {
            rewardPaid = try reward(of: position)
            if position.generation == header.current?.id { previousShares = position.shares }
        }
        let shares = try checked { () throws(AmountError) in try minting.get() }
        // A deposit that mints no share would hand its underlying to the other accounts.
        guard !shares.isZero else { throw .zeroAmount }
        try checked { () throws(AmountError) in
            current.totalShares = try current.totalShares.adding(shares)
            current.totalUnderlying = try current.totalUnderlying.adding(amount)
            header.rewardPaid = try header.rewardPaid.adding(rewardPaid)
        }
        let position = Position(generation: current.id, shares: try checked { () throws(AmountError) in
            try previousShares.adding(shares)
        }, rewardDebt: current.rewardPerToken)
        header.current = current
        let outcome = DepositOutcome(generation: current.id, openedGeneration: opened, shares: shares,
                                     rewardPaid: rewardPaid)
        return (outcome, Transition(header: header, key: key, position: position))
    }

    func planSettle(
        capacity: UInt256, mint: (UInt256) throws(HaloError) -> UInt256
    ) throws(HaloError) -> (SettleOutcome, Transition) {
        var header = self.header
        guard var current = header.current else {
            return (SettleOutcome(converted: .zero, minted: .zero, finalizedGeneration: nil),
                    Transition(header: header))
        }
        guard current.status == .locked else { throw .notLocked }
        let converted = Swift.min(capacity, current.totalUnderlying)
        let minted = converted.isZero ? UInt256.zero : try mint(converted)
        try checked { () throws(AmountError) in
            let increase = try UInt256.mulDiv(minted, .wad, current.totalShares)
            current.rewardPerToken = try current.rewardPerToken.adding(increase)
            current.totalUnderlying = try current.totalUnderlying.subtracting(converted)
            header.rewardMinted = try header.rewardMinted.adding(minted)
            header.underlyingConverted = try header.underlyingConverted.adding(converted)
        }
        var finalize: (id: UInt64, rewardPerToken: UInt256)?
        if current.totalUnderlying.isZero {
            finalize = (current.id, current.rewardPerToken)
            header.current = nil
        } else {
            current.status = .active
            header.current = current
        }
        return (SettleOutcome(converted: converted, minted: minted, finalizedGeneration: finalize?.id),
                Transition(header: header, finalize: finalize))
    }

    func planClaim(account: String) throws(HaloError) -> (UInt256, Transition) {
        let key = store.key(account)
        guard var position = store[key] else { throw .noPosition(account: account) }
        var header = self.header
        let reward = try reward(of: position)
        var kept: Position?
        if let current = header.current, position.generation == current.id {
            guard current.status == .active else { throw .queueLocked }
            position.rewardDebt = current.rewardPerToken
            kept = position
        }
        header.rewardPaid = try checked { () throws(AmountError) in try header.rewardPaid.adding(reward) }
        return (reward, Transition(header: header, key: key, position: kept))
    }

    func planExit(account: String) throws(HaloError) -> ((reward: UInt256, underlying: UInt256), Transition) {
        let key = store.key(account)
        guard let position = store[key] else { throw .noPosition(account: account) }
        var header = self.header
        let reward = try reward(of: position)
        var underlying = UInt256.zero
        if var current = header.current, position.generation == current.id {
            guard current.status == .active else { throw .queueLocked }
            try checked { () throws(AmountError) in
                underlying = try UInt256.mulDiv(position.shares, current.totalUnderlying, current.totalShares)
                current.totalShares = try current.totalShares.subtracting(position.shares)
                current.totalUnderlying = try current.totalUnderlying.subtracting(underlying)
            }
            // The last account out takes everything (shares == totalShares), so nothing is
            // stranded in a generation nobody holds.
            header.current = current.totalShares.isZero ? nil : current
        }
        header.rewardPaid = try checked { () throws(AmountError) in try header.rewardPaid.adding(reward) }
        return ((reward, underlying), Transition(header: header, key: key, position: nil))
    }

    mutating func apply(_ transition: Transition) {
        header = transition.header
        if let key = transition.key { store[key] = transition.position }
        if let finalize = transition.finalize { finalized[finalize.id] = finalize.rewardPerToken }
    }

    /// `shares * (rewardPerToken - rewardDebt) / WAD` against the position's generation:
    /// the current one, or its finalized value.
    private func reward(of position: Position) throws(HaloError) -> UInt256 {
        let perToken: UInt256
        if let current = header.current, current.id == position.generation {
            perToken = current.rewardPerToken
        } else if let final = finalRewardPerToken(position.generation) {
            perToken = final
        } else {
            return .zero
        }
        return try checked { () throws(AmountError) in
            try UInt256.mulDiv(position.shares, try perToken.subtracting(position.rewardDebt), .wad)
        }
    }
}

extension LCTSQueue.Transition {
    init(header: LCTSQueue.Header) { self.init(header: header, key: nil, position: nil, finalize: nil) }
    init(header: LCTSQueue.Header, key: PositionStore.Key, position: LCTSQueue.Position?) {
        self.init(header: header, key: key, position: position, finalize: nil)
    }
    init(header: LCTSQueue.Header, finalize: (id: UInt64, rewardPerToken: UInt256)?) {
        self.init(header: header, key: nil, position: nil, finalize: finalize)
    }
}
