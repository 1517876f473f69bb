import Foundation
import HaloArtifacts
import HaloCore

/// The outputs of a finished simulation: one JSON document, CSV tables and a text summary.
/// Amounts are exact decimal strings; maps are printed in sorted key order, so the same
/// scenario gives byte-identical output.
public enum SimulationReport {
    static func text(_ units: UInt256) -> String { Amount(units: units).description }

    static func codes(_ refused: [String: Int]) -> JSONValue {
        .object(refused.keys.sorted().map { ($0, .int(Int64(refused[$0]!))) })
    }

    /// The whole run: Units, Primes, every day, every refusal, every policy failure, the launch summary.
    public static func json(_ simulation: Simulation) -> JSONValue {
        let scenario = simulation.scenario
        var days: [JSONValue] = []
        var refusals: [JSONValue] = []
        for day in simulation.record {
            var units: [(String, JSONValue)] = []
            for name in day.units.keys.sorted() {
                let unit = day.units[name]!
                units.append((name, .object([
                    ("onboarded", .bool(unit.onboarded)),
                    ("queued", .string(text(unit.queued))),
                    ("converted", .string(text(unit.converted))),
                    ("redeemed", .string(text(unit.redeemed))),
                    ("refused", codes(unit.refused)),
                    ("headroom", .string(text(unit.headroom))),
                    ("deposit_headroom", unit.depositHeadroom.map { .string(text($0)) } ?? .string("unlimited")),
                    ("backlog", .string(text(unit.backlog))),
                    ("redeem_backlog", .string(text(unit.redeemBacklog))),
                    ("exchange_rate", .string(unit.exchangeRate.description)),
                    ("signals", .array(unit.signals.map { .string($0) })),
                ])))
            }
            var primes: [(String, JSONValue)] = []
            for name in day.primes.keys.sorted() {
                let prime = day.primes[name]!
                var positions: [(String, JSONValue)] = []
                for unitName in prime.units.keys.sorted() {
                    let entry = prime.units[unitName]!
                    positions.append((unitName, .object([
                        ("queued", .string(text(entry.queued))),
                        ("converted", .string(text(entry.converted))),
                        ("redeem_requested", .string(text(entry.redeemRequested))),
                        ("refused", codes(entry.refused)),
                        ("headroom", entry.headroom.map { .string(text($0)) } ?? .null),
                        ("shares", .string(text(entry.shares))),
                        ("value", .string(text(entry.value))),
                        ("pending", .string(text(entry.pending))),
                    ])))
                }
                for outcome in prime.orders where !outcome.applied {
                    refusals.append(.object([
                        ("day", .int(Int64(day.day))), ("prime", .string(name)), ("unit", .string(outcome.order.unit)),
                        ("order", .string(outcome.order.kind)),
                        ("amount", outcome.order.amount.map { .string($0.description) } ?? .null),
                        ("code", .string(outcome.code!)), ("reason", .string(outcome.reason)),
                    ]))
                }
                primes.append((name, .object([
                    ("usds", .string(text(prime.usds))),
                    ("portfolio", .string(text(prime.portfolio))),
                    ("encumbrance", .string(text(prime.encumbrance))),
                    ("encumbrance_limit", .string(text(prime.encumbranceLimit))),
                    ("orders", .int(Int64(prime.orders.count))),
                    ("policy_failure", prime.policyFailure.map { .string($0) } ?? .null),
                    ("units", .object(positions)),
                ])))
            }
            days.append(.object([
                ("day", .int(Int64(day.day))), ("date", .string(String(day.date.iso8601.prefix(10)))),
                ("events", .array(day.events.map { .string($0) })),
                ("units", .object(units)), ("primes", .object(primes)),
            ]))
        }
        return .object([
            ("scenario", .string(scenario.name)),
            ("start", .string(scenario.start.iso8601)),
            ("days", .int(Int64(simulation.record.count))),
            ("units", .array(simulation.unitSummaries.map { unit in
                .object([("unit", .string(unit.unit)), ("halo", .string(unit.halo)), ("class", .string(unit.assetClass)),
                         ("crr", .string(unit.crr.description)),
                         ("onboarded_day", unit.onboardedDay.map { .int(Int64($0)) } ?? .null),
                         ("checklist_problems", unit.problems.isEmpty ? .null : .string(unit.problems))])
            })),
            ("primes", .array(scenario.primes.map { prime in
                .object([("prime", .string(prime.name)), ("capital", .string(prime.capital.description)),
                         ("usds", .string(prime.usds.description)), ("policy", .string(prime.policyFile))])
            })),
            ("launch", .array(simulation.launches.map(launchJSON))),
            ("refusals", .array(refusals)),
            ("policy_failures", .array(simulation.policyFailures.map { failure in
                .object([("day", .int(Int64(failure.day))), ("prime", .string(failure.prime)),
                         ("signal", .string("POLICY_FAILURE")), ("code", .string(failure.failure.code)),
                         ("message", .string(failure.failure.description))])
            })),
            ("daily", .array(days)),
        ])
    }

    static func launchJSON(_ launch: LaunchSummary) -> JSONValue {
        .object([
            ("unit", .string(launch.unit)), ("onboarded_day", .int(Int64(launch.onboardedDay))),
            ("queued_day1", .string(text(launch.queuedDay1))),
            ("day1", launch.day1.map { .string(text($0)) } ?? .null),
            ("day7", launch.day7.map { .string(text($0)) } ?? .null),
            ("day30", launch.day30.map { .string(text($0)) } ?? .null),
            ("total", .string(text(launch.total))),
        ])
    }

    /// CSV files by name: `units.csv` (a row per day and Unit), `primes.csv` (a row per day,
    /// Prime and Unit with activity or a position), `refusals.csv`, `launch.csv`.
    public static func csv(_ simulation: Simulation) -> [(name: String, text: String)] {
        var units = "day,date,unit,onboarded,queued,converted,redeemed,refused,headroom,deposit_headroom,backlog,redeem_backlog,exchange_rate\n"
        var primes = "day,date,prime,unit,queued,converted,refused,headroom,shares,value,pending\n"
        var refusals = "day,date,prime,unit,order,amount,code,reason\n"
        func refusedText(_ refused: [String: Int]) -> String {
            refused.keys.sorted().map { "\($0)=\(refused[$0]!)" }.joined(separator: ";")
        }
        for day in simulation.record {
            let date = String(day.date.iso8601.prefix(10))
            for name in day.units.keys.sorted() {
                let u = day.units[name]!
                units += "\(day.day),\(date),\(name),\(u.onboarded),\(text(u.queued)),\(text(u.converted)),\(text(u.redeemed)),\(refusedText(u.refused)),\(text(u.headroom)),\(u.depositHeadroom.map(text) ?? "unlimited"),\(text(u.backlog)),\(text(u.redeemBacklog)),\(u.exchangeRate)\n"
            }
            for name in day.primes.keys.sorted() {
                let p = day.primes[name]!
                for unit in p.units.keys.sorted() {
                    let e = p.units[unit]!
                    primes += "\(day.day),\(date),\(name),\(unit),\(text(e.queued)),\(text(e.converted)),\(refusedText(e.refused)),\(e.headroom.map(text) ?? ""),\(text(e.shares)),\(text(e.value)),\(text(e.pending))\n"
                }
                for outcome in p.orders where !outcome.applied {
                    let reason = outcome.reason.replacingOccurrences(of: "\"", with: "'")
                    refusals += "\(day.day),\(date),\(name),\(outcome.order.unit),\(outcome.order.kind),\(outcome.order.amount?.description ?? ""),\(outcome.code!),\"\(reason)\"\n"
                }
            }
        }
        var launch = "unit,onboarded_day,queued_day1,day1,day7,day30,total\n"
        for l in simulation.launches {
            launch += "\(l.unit),\(l.onboardedDay),\(text(l.queuedDay1)),\(l.day1.map(text) ?? ""),\(l.day7.map(text) ?? ""),\(l.day30.map(text) ?? ""),\(text(l.total))\n"
        }
        return [("units.csv", units), ("primes.csv", primes), ("refusals.csv", refusals), ("launch.csv", launch)]
    }

    /// `1234567.89` -> `1.23M` for tables a person reads (the JSON keeps exact values).
    public static func short(_ units: UInt256) -> String {
        let whole = (try? units.dividedBy(.wad)) ?? .zero
        guard let value = whole.uint64Value else { return Amount(units: units).description }
        let v = Double(value)
        if v >= 1e9 { return String(format: "%.2fB", v / 1e9) }
        if v >= 1e6 { return String(format: "%.2fM", v / 1e6) }
        if v >= 1e3 { return String(format: "%.1fk", v / 1e3) }
        return Amount(units: units).description
    }

    /// The summary a person reads: the launch table, then per launched Unit (or every Unit when
    /// none launches) a line per day, then refusals by code and policy failures.
    public static func text(_ simulation: Simulation) -> String {
        let scenario = simulation.scenario
        var lines: [String] = []
        lines.append("scenario \(scenario.name): \(simulation.record.count) days from \(scenario.start.iso8601.prefix(10)), \(scenario.halos.count) Halos (\(simulation.unitSummaries.count) Units), \(scenario.primes.count) Primes")
        for unit in simulation.unitSummaries where unit.onboardedDay == nil {
            lines.append("  \(unit.unit) never onboards: \(unit.problems)")
        }
        let launches = simulation.launches
        let watched = launches.isEmpty ? simulation.unitSummaries.map(\.unit) : launches.map(\.unit)
        for name in watched {
            lines.append("")
            lines.append("\(name): day  date        queued     converted  refused  backlog    headroom   rate")
            for day in simulation.record {
                guard let u = day.units[name] else { continue }
                let refused = u.refused.values.reduce(0, +)
                lines.append("  " + pad("\(day.day)", 4) + "  " + String(day.date.iso8601.prefix(10)) + "  " + pad(short(u.queued), 9) + "  " + pad(short(u.converted), 9)
                             + "  " + pad("\(refused)", 7) + "  " + pad(short(u.backlog), 9) + "  " + pad(short(u.headroom), 9) + "  " + u.exchangeRate.description)
            }
        }
        lines.append("")
        lines.append("Launch inflow (USDS converted into the new Unit, cumulative from its onboarding day):")
        lines.append("  unit          onboarded  queued day 1   day 1          day 7          day 30")
        for l in launches {
            lines.append("  " + pad(l.unit, 12) + "  day " + pad("\(l.onboardedDay)", 5) + "  " + pad(short(l.queuedDay1), 13) + "  " + pad(l.day1.map(short) ?? "-", 13)
                         + "  " + pad(l.day7.map(short) ?? "-", 13) + "  " + (l.day30.map(short) ?? "-"))
        }
        if launches.isEmpty { lines.append("  (no Unit onboards during this scenario)") }
        var byCode: [String: Int] = [:]
        for day in simulation.record { for prime in day.primes.values { for o in prime.orders where !o.applied { byCode[o.code!, default: 0] += 1 } } }
        lines.append("")
        lines.append("Refused orders by code: " + (byCode.isEmpty ? "none" : byCode.keys.sorted().map { "\($0) \(byCode[$0]!)" }.joined(separator: ", ")))
        lines.append("Prime policy failures (POLICY_FAILURE): \(simulation.policyFailures.count)")
        for failure in simulation.policyFailures.prefix(5) { lines.append("  day \(failure.day) \(failure.prime): \(failure.failure)") }
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
