import HaloArtifacts
import HaloCore

extension UnitSentinel {
    /// The last manager report the Unit received: its time and fields (name to decimal text).
    public var lastReport: (time: Timestamp, fields: [(name: String, value: String)])? {
        guard let report = reports.last else { return nil }
        return (report.time, report.fields.map { ($0.name, Self.text($0.value)) })
    }

    static func text(_ value: ReportValue) -> String {
        switch value {
        case .amount(let amount): return amount.description
        case .text(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .list(let items): return "[" + items.map(text).joined(separator: ", ") + "]"
        case .record(let fields): return "{" + fields.map { "\($0.name): \(text($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// What `account` holds in this Unit, in base units: claimed shares (`share` is the Unit's
    /// share asset), shares claimable from the subscribe queue, shares waiting in the redeem
    /// queue, underlying pending in the subscribe queue; and the exchange rate. Read in place:
    /// a copy of the Unit's state would retain every table it holds (the simulation asks this
    /// for every Prime and Unit several times a day).
    public func holdings(of account: String, share: String)
        -> (held: UInt256, claimable: UInt256, redeeming: UInt256, pending: UInt256, exchangeRate: Rate)
    {
        (unit.ledger.balance(of: account, asset: share), unit.subscribeQueue.pendingReward(account: account),
         unit.redeemQueue.underlying(of: account), unit.subscribeQueue.underlying(of: account), unit.exchangeRate)
    }

    /// The policy the Unit runs now; nil while none is loaded.
    public var policyLoaded: Bool { policy != nil && policyLoadFailure == nil }
}
