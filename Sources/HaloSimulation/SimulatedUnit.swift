import HaloArtifacts
import HaloCore
import HaloSentinel

/// One Unit in a simulation: its real Sentinel and policy, its onboarding status, its manager.
final class SimulatedUnit {
    let halo: String
    let artifact: UnitArtifact
    let sentinel: UnitSentinel
    /// `class` from the Unit Artifact, `unclassified` when absent.
    let assetClass: String
    /// `crr` from the Unit Artifact; 1 (100 %) when absent: required capital that cannot be computed.
    let crr: Rate
    /// The onboarding checklist (the same one `halo check` prints) passed.
    let checklistPassed: Bool
    /// The failing items, when it did not.
    let checklistProblems: String
    /// Day of a scheduled `onboard` event (nil: onboarded from the start if the checklist passes).
    var launchDay: Int?
    var onboarded = false
    var silent = false
    var manager: ManagerSpec?
    var navs: [Amount] = []
    var capacities: [Amount]?
    var liquidities: [Amount]?
    /// Exchange rate at the end of each day, the last 31 days (oldest first).
    var rateHistory: [Rate] = []
    var lastConverted: UInt256 = .zero
    var lastRedeemMinted: UInt256 = .zero

    init(halo: HaloArtifact, artifact: UnitArtifact, sentinel: UnitSentinel, checklist: UnitOnboarding) {
        self.halo = halo.name
        self.artifact = artifact
        self.sentinel = sentinel
        self.assetClass = artifact.assetClass ?? "unclassified"
        self.crr = artifact.crr ?? .one
        self.checklistPassed = checklist.onboarded
        self.checklistProblems = checklist.items.filter { !$0.ok }.map { "\($0.title): \($0.detail)" }.joined(separator: "; ")
    }

    var name: String { artifact.name }
    var shareDecimals: Int { artifact.decimals(of: artifact.share) }

    /// The manager's report for day `day` (1-based): every field the Unit Artifact's
    /// `reporting` requires, from the scenario or derived (price and fund_nav follow nav,
    /// holdings is the shares outstanding at nav, gated false, rating AAA).
    func report(day: Int) -> [ReportField]? {
        guard let manager, !silent, !navs.isEmpty else { return nil }
        let index = min(day - 1, navs.count - 1)
        let nav = navs[index]
        var fields: [ReportField] = [ReportField(name: "nav", value: .amount(nav))]
        func add(_ name: String, _ value: ReportValue) {
            if !fields.contains(where: { $0.name == name }) { fields.append(ReportField(name: name, value: value)) }
        }
        for field in manager.fields { add(field.name, field.value) }
        if let capacities { add("capacity", .amount(capacities[min(index, capacities.count - 1)])) }
        if let liquidities { add("liquidity", .amount(liquidities[min(index, liquidities.count - 1)])) }
        for name in artifact.reporting {
            switch name {
            case "price", "fund_nav": add(name, .amount(nav))
            case "holdings":
                let supply = sentinel.unit.ledger.supply(of: artifact.share)
                let value = (try? UInt256.mulDiv(supply, nav.units, .wad)) ?? .zero
                add(name, .amount(Amount(units: value)))
            case "capacity", "liquidity": add(name, .amount(.zero))
            case "gated": add(name, .bool(false))
            case "rating": add(name, .text("AAA"))
            default: break
            }
        }
        return fields
    }

    /// Annualised yield over up to the last 30 days of exchange rates, exact, 0 when falling
    /// or without history: `(r_now - r_then) / r_then x 365 / days`.
    var apy30d: Amount {
        guard rateHistory.count >= 2 else { return .zero }
        let then = rateHistory[max(0, rateHistory.count - 31)]
        let now = rateHistory[rateHistory.count - 1]
        let days = UInt64(min(30, rateHistory.count - 1))
        guard now > then, !then.wad.isZero else { return .zero }
        let gain = (try? now.wad.subtracting(then.wad)) ?? .zero
        let perYear = (try? UInt256.mulDiv(gain, UInt256(365) , UInt256(days))) ?? .zero
        return Amount(units: (try? UInt256.mulDiv(perYear, .wad, then.wad)) ?? .zero)
    }
}
