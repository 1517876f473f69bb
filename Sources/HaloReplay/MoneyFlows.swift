import HaloArtifacts
import HaloCore

/// What one world's settlements moved, summed over the reporting window, read from the
/// Unit's ledger (`settle` and `set-exchange-rate` entries; docs/replay.md).
///
/// All amounts are exact token amounts in the Unit's decimals.
public struct MoneyFlows: Sendable, Equatable {
    /// USDS sent to the asset manager (`to_asset_manager`: the subscribe side's net conversion).
    public var toManager: Amount
    /// USDS taken from the asset manager (`from_asset_manager`: the redeem side's net proceeds).
    public var fromManager: Amount
    /// Shares minted to subscribers.
    public var sharesMinted: Amount
    /// Shares burned from redeemers.
    public var sharesBurned: Amount
    /// Settlements that ran in the window.
    public var settlements: Int
    /// The exchange rate at the start of the window, then at every change in it.
    public var ratePath: [(time: Timestamp, rate: Rate)]

    /// Reads `ledger`'s entries inside `window`; `opening` is the rate before the first entry.
    static func read(_ ledger: Ledger, decimals: UInt8, opening: Rate, start: Timestamp,
                     window: ReplayOptions) throws(ReplayError) -> MoneyFlows {
        let zero = Amount(units: .zero, decimals: decimals)
        var flows = MoneyFlows(toManager: zero, fromManager: zero, sharesMinted: zero, sharesBurned: zero,
                               settlements: 0, ratePath: [])
        var rate = opening
        var pathStarted = false
        func amount(_ entry: LedgerEntry, _ key: String) throws(ReplayError) -> Amount {
            guard let text = entry.parameters[key] else { return zero }
            do { return try Amount(parsing: text, decimals: Int(decimals)) } catch {
                throw ReplayError(code: "replay-invalid", message: "ledger entry \(entry.sequence): \(key) '\(text)' is not an amount")
            }
        }
        func add(_ total: inout Amount, _ value: Amount) throws(ReplayError) {
            do { total = try total.adding(value) } catch {
                throw ReplayError(code: "amount-overflow", message: "the replay's totals overflow: \(error)")
            }
        }
        for entry in ledger.entries {
            if let until = window.until, entry.time > until { break }
            let inside = window.inWindow(entry.time)
            if inside, !pathStarted {
                flows.ratePath.append((window.since ?? start, rate))
                pathStarted = true
            }
            switch entry.action {
            case "set-exchange-rate":
                guard let text = entry.parameters["rate"], let next = try? Rate(parsing: text) else { continue }
                rate = next
                guard inside else { continue }
                // A refused settlement puts the previous rate back at the same instant: keep the net.
                if let last = flows.ratePath.last, last.time == entry.time, flows.ratePath.count > 1 {
                    flows.ratePath.removeLast()
                }
                if flows.ratePath.last?.rate != rate { flows.ratePath.append((entry.time, rate)) }
            case "settle" where inside:
                flows.settlements += 1
                try add(&flows.toManager, try amount(entry, "to_asset_manager"))
                try add(&flows.fromManager, try amount(entry, "from_asset_manager"))
                try add(&flows.sharesMinted, try amount(entry, "subscribe.minted"))
                try add(&flows.sharesBurned, try amount(entry, "redeem.converted"))
            default:
                continue
            }
        }
        if !pathStarted { flows.ratePath.append((window.since ?? start, rate)) }
        return flows
    }

    /// The rate at the end of the window.
    public var finalRate: Rate { ratePath.last?.rate ?? .one }

    public static func == (a: MoneyFlows, b: MoneyFlows) -> Bool {
        a.toManager == b.toManager && a.fromManager == b.fromManager && a.sharesMinted == b.sharesMinted
            && a.sharesBurned == b.sharesBurned && a.settlements == b.settlements
            && a.ratePath.map(\.time) == b.ratePath.map(\.time) && a.ratePath.map(\.rate) == b.ratePath.map(\.rate)
    }

    /// The JSON form (docs/replay.md).
    public func json() -> JSONValue {
        .object([
            ("to_manager", .string(toManager.description)), ("from_manager", .string(fromManager.description)),
            ("shares_minted", .string(sharesMinted.description)), ("shares_burned", .string(sharesBurned.description)),
            ("settlements", .int(Int64(settlements))), ("final_exchange_rate", .string(finalRate.description)),
        ])
    }
}
