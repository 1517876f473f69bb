extension Ledger {
    /// What one entry's postings would change, checked but not applied: the new balance of
    /// each touched (asset, account) pair and the new issued and burned totals of each
    /// touched asset, in first-touched order. An entry touches a handful of pairs, so these
    /// are short arrays searched linearly (no hashing, no dictionary per entry).
    struct PendingChanges {
        var balances: [(asset: String, account: String, amount: UInt256)] = []
        var issued: [(asset: String, total: UInt256)] = []
        var burned: [(asset: String, total: UInt256)] = []

        /// The pair's position among the changes and its pending balance, nil if the
        /// postings checked so far have not touched it.
        func pending(asset: String, account: String) -> (index: Int, amount: UInt256)? {
            for index in balances.indices where balances[index].account == account && balances[index].asset == asset {
                return (index, balances[index].amount)
            }
            return nil
        }

        mutating func set(_ index: Int?, asset: String, account: String, _ amount: UInt256) {
            if let index {
                balances[index].amount = amount
            } else {
                balances.append((asset, account, amount))
            }
        }

        func issuedIndex(_ asset: String) -> Int? { issued.firstIndex { $0.asset == asset } }

        func burnedIndex(_ asset: String) -> Int? { burned.firstIndex { $0.asset == asset } }

        mutating func setIssued(_ asset: String, _ total: UInt256) {
            if let index = issuedIndex(asset) { issued[index].total = total } else { issued.append((asset, total)) }
        }

        mutating func setBurned(_ asset: String, _ total: UInt256) {
            if let index = burnedIndex(asset) { burned[index].total = total } else { burned.append((asset, total)) }
        }
    }
}
