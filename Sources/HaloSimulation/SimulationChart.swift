import Foundation
import HaloCore

/// The launch at a glance, drawn as plain SVG (no script, no external file): per watched Unit,
/// the cumulative converted inflow as a stacked area per Prime, and the subscribe-queue backlog.
/// Doubles appear here only as chart coordinates; every figure printed (titles, tick labels,
/// tables) goes through `SimulationReport.short(_:)`, the form the text summary prints.
public enum SimulationChart {
    /// The Prime areas' colours, reused in turn when there are more Primes than colours.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    /// The backlog line: near-black and dashed, a colour the palette does not hold, so it is
    /// never taken for a Prime's area.
    static let backlogColour = "#111111"

    /// The area colour of the Prime at `index` in `Simulation.primeNames`.
    static func primeColour(_ index: Int) -> String { palette[index % palette.count] }

    static func tokens(_ units: UInt256) -> Double {
        let whole = (try? units.dividedBy(.wad)) ?? .zero
        return Double(whole.uint64Value ?? UInt64.max)
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A chart value in whole tokens back as 18-decimal units (to a millionth of a token), so
    /// tick labels go through the same `SimulationReport.short(_:)` as every other figure.
    static func units(tokens value: Double) -> UInt256 {
        guard value.isFinite, value > 0 else { return .zero }
        guard value < 1.8e19 else { return .max }
        let whole = value.rounded(.down)
        let micro = UInt64(((value - whole) * 1e6).rounded())
        let wholeUnits = (try? UInt256(UInt64(whole)).multiplied(by: .wad)) ?? .max
        return (try? wholeUnits.adding(UInt256(micro).multiplied(by: UInt256(1_000_000_000_000)))) ?? .max
    }

    /// A tick label: the short form of the text summary.
    static func label(_ value: Double) -> String { SimulationReport.short(units(tokens: value)) }

    /// Axis ticks from 0 in a "nice" step (1, 2, 2.5 or 5 times a power of ten) giving at most
    /// `target` intervals, the last tick at or above `maxValue`. A maximum that is zero,
    /// negative, not finite or too small to divide gives 0 and 1.
    static func ticks(maxValue: Double, target: Int = 5) -> [Double] {
        let fallback = [0.0, 1.0]
        let raw = maxValue / Double(max(target, 1))
        guard maxValue.isFinite, maxValue > 0, raw.isNormal else { return fallback }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        guard magnitude.isNormal, let step = [1, 2, 2.5, 5, 10].map({ $0 * magnitude }).first(where: { $0 >= raw * (1 - 1e-12) }) else {
            return fallback
        }
        let count = max(1, Int((maxValue / step * (1 - 1e-12)).rounded(.up)))
        let values = (0...count).map { Double($0) * step }
        guard values.last!.isFinite else { return fallback }
        return values
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// The Units drawn: those onboarded during the scenario, else every Unit that received inflow.
    static func watched(_ simulation: Simulation) -> [String] {
        let launches = simulation.launches.map(\.unit)
        if !launches.isEmpty { return launches }
        return simulation.unitSummaries.map(\.unit).filter { name in
            simulation.record.contains { !($0.units[name]?.converted.isZero ?? true) }
        }
    }

    /// One SVG document.
    public static func svg(_ simulation: Simulation) -> String {
        let units = watched(simulation)
        let primes = simulation.primeNames
        let rowHeight = 280.0, width = 980.0
        let height = 60.0 + rowHeight * Double(max(units.count, 1)) + 30
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"20\" y=\"24\" font-size=\"15\" font-weight=\"bold\">\(escape(simulation.scenario.name)): converted inflow per Prime (stacked) and subscribe backlog</text>\n"
        for (index, prime) in primes.enumerated() {
            let x = 20.0 + Double(index) * 120
            out += "<rect x=\"\(fmt(x))\" y=\"36\" width=\"10\" height=\"10\" fill=\"\(primeColour(index))\"/><text x=\"\(fmt(x + 14))\" y=\"45\">\(escape(prime))</text>\n"
        }
        let legendX = 20.0 + Double(primes.count) * 120
        out += "<line x1=\"\(fmt(legendX))\" y1=\"41\" x2=\"\(fmt(legendX + 22))\" y2=\"41\" stroke=\"\(backlogColour)\" stroke-width=\"2\" stroke-dasharray=\"5,3\"/><text x=\"\(fmt(legendX + 26))\" y=\"45\">subscribe backlog</text>\n"
        if units.isEmpty { out += "<text x=\"20\" y=\"90\">No Unit received inflow.</text>\n" }
        for (row, unit) in units.enumerated() {
            let top = 60.0 + Double(row) * rowHeight
            out += area(simulation, unit: unit, primes: primes, x: 70, y: top + 20, width: 540, height: rowHeight - 70)
            out += backlog(simulation, unit: unit, x: 690, y: top + 20, width: 270, height: rowHeight - 70)
        }
        out += "</svg>\n"
        return out
    }

    /// The title, the axes and the value ticks for values up to `maxValue`; returns the SVG and
    /// the top tick, the value the plot's full height stands for.
    static func axes(title: String, maxValue: Double, days: Int, x: Double, y: Double, width: Double, height: Double) -> (svg: String, top: Double) {
        let values = ticks(maxValue: maxValue)
        let top = values.last!
        var out = "<text x=\"\(fmt(x))\" y=\"\(fmt(y - 6))\" font-weight=\"bold\">\(escape(title))</text>\n"
        out += "<line x1=\"\(fmt(x))\" y1=\"\(fmt(y + height))\" x2=\"\(fmt(x + width))\" y2=\"\(fmt(y + height))\" stroke=\"#333\"/>\n"
        out += "<line x1=\"\(fmt(x))\" y1=\"\(fmt(y))\" x2=\"\(fmt(x))\" y2=\"\(fmt(y + height))\" stroke=\"#333\"/>\n"
        for value in values {
            let ty = y + height - height * value / top
            out += "<line x1=\"\(fmt(x - 3))\" y1=\"\(fmt(ty))\" x2=\"\(fmt(x + width))\" y2=\"\(fmt(ty))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(fmt(x - 5))\" y=\"\(fmt(ty + 4))\" text-anchor=\"end\">\(label(value))</text>\n"
        }
        let step = max(1, days / 6)
        for day in stride(from: 1, through: days, by: step) {
            let tx = x + width * Double(day - 1) / Double(max(days - 1, 1))
            out += "<text x=\"\(fmt(tx))\" y=\"\(fmt(y + height + 14))\" text-anchor=\"middle\">d\(day)</text>"
        }
        return (out + "\n", top)
    }

    static func area(_ simulation: Simulation, unit: String, primes: [String], x: Double, y: Double, width: Double, height: Double) -> String {
        let days = simulation.record.count
        // Cumulative converted inflow per Prime, in tokens.
        var series: [[Double]] = primes.map { _ in [] }
        var running = Array(repeating: 0.0, count: primes.count)
        var total = UInt256.zero   // exact, for the title
        for day in simulation.record {
            for (index, prime) in primes.enumerated() {
                let converted = day.primes[prime]?.units[unit]?.converted ?? .zero
                total = (try? total.adding(converted)) ?? .max
                running[index] += tokens(converted)
                series[index].append(running[index])
            }
        }
        let (axesSVG, maxValue) = axes(title: "\(unit): cumulative converted inflow (USDS), total \(SimulationReport.short(total))",
                                       maxValue: running.reduce(0, +), days: days, x: x, y: y, width: width, height: height)
        var out = axesSVG
        var lower = Array(repeating: 0.0, count: days)
        func px(_ day: Int) -> Double { x + width * Double(day) / Double(max(days - 1, 1)) }
        func py(_ value: Double) -> Double { y + height - height * value / maxValue }
        for (index, prime) in primes.enumerated() {
            let upper = (0..<days).map { lower[$0] + series[index][$0] }
            guard upper != lower else { continue }
            var points = (0..<days).map { "\(fmt(px($0))),\(fmt(py(upper[$0])))" }
            points += (0..<days).reversed().map { "\(fmt(px($0))),\(fmt(py(lower[$0])))" }
            out += "<polygon points=\"\(points.joined(separator: " "))\" fill=\"\(primeColour(index))\" fill-opacity=\"0.8\"><title>\(escape(prime))</title></polygon>\n"
            lower = upper
        }
        return out
    }

    static func backlog(_ simulation: Simulation, unit: String, x: Double, y: Double, width: Double, height: Double) -> String {
        let values = simulation.record.map { tokens($0.units[unit]?.backlog ?? .zero) }
        let days = values.count
        let (axesSVG, maxValue) = axes(title: "\(unit): subscribe backlog (USDS)", maxValue: values.max() ?? 0, days: days,
                                       x: x, y: y, width: width, height: height)
        var out = axesSVG
        let points = values.enumerated().map { day, value in
            "\(fmt(x + width * Double(day) / Double(max(days - 1, 1)))),\(fmt(y + height - height * value / maxValue))"
        }
        out += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(backlogColour)\" stroke-width=\"2\" stroke-dasharray=\"6,4\"><title>subscribe backlog</title></polyline>\n"
        return out
    }

    /// A table cell with an amount in the short form of the text summary, the exact figure on hover.
    static func amountCell(_ units: UInt256?) -> String {
        guard let units else { return "<td>-</td>" }
        return "<td title=\"\(Amount(units: units))\">\(escape(SimulationReport.short(units)))</td>"
    }

    /// A self-contained HTML page: the SVG, the launch table and the refusals by code.
    public static func html(_ simulation: Simulation) -> String {
        var rows = ""
        for l in simulation.launches {
            rows += "<tr><td>\(escape(l.unit))</td><td>\(l.onboardedDay)</td>\(amountCell(l.queuedDay1))\(amountCell(l.day1))\(amountCell(l.day7))\(amountCell(l.day30))</tr>\n"
        }
        if simulation.launches.isEmpty { rows = "<tr><td colspan=\"6\">no Unit onboards during this scenario</td></tr>\n" }
        var byCode: [String: Int] = [:]
        for day in simulation.record { for prime in day.primes.values { for o in prime.orders where !o.applied { byCode[o.code!, default: 0] += 1 } } }
        let refused = byCode.isEmpty ? "<tr><td colspan=\"2\">none</td></tr>"
            : byCode.keys.sorted().map { "<tr><td>\(escape($0))</td><td>\(byCode[$0]!)</td></tr>" }.joined(separator: "\n")
        return """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>halo simulate: \(escape(simulation.scenario.name))</title>
        <style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}</style>
        </head><body>
        <h1>\(escape(simulation.scenario.name))</h1>
        <p>\(simulation.record.count) days from \(simulation.scenario.start.iso8601.prefix(10)); \(simulation.unitSummaries.count) Units, \(simulation.primeNames.count) Primes.</p>
        \(svg(simulation))
        <h2>Launch inflow (USDS converted, cumulative from the onboarding day)</h2>
        <table><tr><th>unit</th><th>onboarded day</th><th>queued day 1</th><th>day 1</th><th>day 7</th><th>day 30</th></tr>
        \(rows)</table>
        <h2>Refused orders by code</h2>
        <table><tr><th>code</th><th>orders</th></tr>
        \(refused)</table>
        </body></html>

        """
    }
}
