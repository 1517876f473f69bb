import HaloArtifacts
import HaloCore
import LuaSandbox

/// Everything a Unit's runtime holds that events changed: enough to resume without replaying
/// the journal from the start. (Configuration — artifact, schedule, stdlib — comes from files.)
struct UnitSnapshot: Codable {
    var unit: HaloUnit
    var now: Timestamp
    var cycleCursor: Timestamp
    var flags: UnitFlags
    var state: String                 // ctx.state as JSON
    var reports: [ManagerReport]
    var pendingDecision: SettleDecision?
    var lockedAt: Timestamp?
    var lastSettlementTime: Timestamp?
    var lastSettlementRate: Rate?
    var pendingReload: String?
    var policyFile: String
    var policyFailures: Int
}

extension UnitSentinel {
    /// The runtime's state for a journal snapshot.
    func makeSnapshot() -> UnitSnapshot {
        UnitSnapshot(unit: unit, now: now, cycleCursor: cycleCursor, flags: flags,
                     state: StateStore.json(state).serialized(), reports: reports, pendingDecision: pendingDecision,
                     lockedAt: lockedAt, lastSettlementTime: lastSettlement?.time, lastSettlementRate: lastSettlement?.rate,
                     pendingReload: pendingReload, policyFile: lastPolicyPath, policyFailures: policyFailures)
    }

    /// Resumes from a snapshot; the policy named in it is loaded if it is not the current one.
    func restore(_ snapshot: UnitSnapshot) {
        var restored = snapshot.unit
        restored.retainLedgerEntries(unit.ledger.retainedEntries)
        unit = restored
        now = snapshot.now
        cycleCursor = snapshot.cycleCursor
        flags = snapshot.flags
        state = (try? JSONParser.parse(snapshot.state)).map(StateStore.table(from:)) ?? LuaTable()
        reports = snapshot.reports
        pendingDecision = snapshot.pendingDecision
        lockedAt = snapshot.lockedAt
        if let time = snapshot.lastSettlementTime, let rate = snapshot.lastSettlementRate { lastSettlement = (time, rate) }
        pendingReload = snapshot.pendingReload
        policyFailures = snapshot.policyFailures
        if snapshot.policyFile != lastPolicyPath { loadPolicy(snapshot.policyFile, pin: nil) }
    }
}
