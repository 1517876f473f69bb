extension UnitSentinel {
    /// Keeps at most about `count` recent ledger entries of the Unit in memory (nil: all), as
    /// `halo run` does: a long simulation keeps its memory, and every copy of the Unit, flat.
    /// 0: balances only, no entries built or hashed (what `halo simulate` uses).
    public func retainLedgerEntries(_ count: Int?) { unit.retainLedgerEntries(count) }
}
