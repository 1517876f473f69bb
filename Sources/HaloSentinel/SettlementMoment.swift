import HaloArtifacts
import HaloCore

/// A Unit just before a daily settlement: what a settlement statement opens its "before" with.
public struct SettlementMoment: Sendable {
    /// The Unit's state (the shape of `halo state`) right before the settlement.
    public var before: JSONValue
    /// The settlement's time.
    public var time: Timestamp
}

extension UnitSentinel {
    /// The ledger's `settle` entry at `time`, if the settlement converted anything.
    func settleEntry(at time: Timestamp) -> LedgerEntry? {
        unit.ledger.entries.last { $0.action == "settle" && $0.time == time }
    }
}
