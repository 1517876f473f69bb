import Foundation
import HaloArtifacts
import HaloCore
import HaloReplay
import HaloReports
import HaloSentinel

extension ReportBuilder {
    /// The `halo replay --html FILE` report: one run per Unit with money moved, the money table
    /// (recorded, candidate, signed delta), the differing hook calls side by side, both worlds'
    /// decisions, signals and actions at those moments, the events the candidate's world refused,
    /// and the two exchange-rate paths drawn on one chart (recorded solid, candidate dashed).
    static func document(_ report: ReplayReport) -> ReportDocument {
        var units = report.money.map(\.unit)
        if !units.contains(report.unit) { units.insert(report.unit, at: 0) }
        let window = [report.since.map { "from \($0.iso8601)" }, report.until.map { "to \($0.iso8601)" }].compactMap { $0 }
        let subtitle = "unit \(report.unit) of \(report.halo), candidate \(report.candidatePolicy); history "
            + "\(report.historyStart.iso8601) .. \(report.historyEnd.iso8601), \(report.records) journal records"
            + (window.isEmpty ? "" : "; window " + window.joined(separator: " "))
            + "; hook calls \(report.hookCalls.recorded) recorded, \(report.hookCalls.candidate) candidate. "
            + report.summaryLine.replacingOccurrences(of: "replay: ", with: "Result: ", options: .anchored)
        return ReportDocument(title: "halo replay: \(report.status)", subtitle: subtitle,
                              runs: units.map { run(report, unit: $0) })
    }

    static func run(_ report: ReplayReport, unit: String) -> ReportRun {
        let differences = report.differences.filter { $0.unit == unit }
        let mine = unit == report.unit
        let failures = mine ? report.failures : []
        let refused = mine ? report.refusedEvents : []
        let impact = report.money.first { $0.unit == unit }

        var tables: [ReportTable] = []
        if let impact {
            let r = impact.recorded, c = impact.candidate
            tables.append(ReportTable(
                title: "Money impact (\(r.settlements) settlements recorded, \(c.settlements) candidate)",
                headers: ["", "recorded", "candidate", "candidate − recorded"],
                rows: [
                    ["USDS to manager", r.toManager.description, c.toManager.description, MoneyImpact.delta(r.toManager, c.toManager)],
                    ["USDS from manager", r.fromManager.description, c.fromManager.description, MoneyImpact.delta(r.fromManager, c.fromManager)],
                    ["shares minted", r.sharesMinted.description, c.sharesMinted.description, MoneyImpact.delta(r.sharesMinted, c.sharesMinted)],
                    ["shares burned", r.sharesBurned.description, c.sharesBurned.description, MoneyImpact.delta(r.sharesBurned, c.sharesBurned)],
                    ["final exchange rate", r.finalRate.description, c.finalRate.description, r.finalRate == c.finalRate ? "same" : "differs"],
                ]))
        }
        tables.append(ReportTable(
            title: "Differing hook calls", headers: ["time", "hook", "recorded", "candidate"],
            rows: differences.map { difference in
                [difference.time.iso8601, difference.hook,
                 difference.recorded.map { $0.summary(hook: difference.hook) } ?? "(not called)",
                 difference.candidate.map { $0.summary(hook: difference.hook) } ?? "(not called)"]
            }))
        if !failures.isEmpty {
            tables.append(ReportTable(
                title: "Candidate failures (the runtime fell back: no conversion, previous rate)", headers: ["time", "hook", "ctx", "failure"],
                rows: failures.map { [$0.time.iso8601, $0.hook, $0.onRecordedContext ? "recorded" : "own", $0.failure.description] }))
        }

        var decisions: [ReportDecision] = [], signals: [ReportSignal] = [], actions: [ReportAction] = []
        for difference in differences {
            for (world, side) in [("recorded", difference.recorded), ("candidate", difference.candidate)] {
                let time = difference.time.iso8601
                guard let side else {
                    decisions.append(ReportDecision(time: time, hook: "\(difference.hook) · \(world)", result: "(not called)", error: nil))
                    continue
                }
                decisions.append(ReportDecision(time: time, hook: "\(difference.hook) · \(world)", result: side.result.serialized(),
                                                error: side.failure?.description))
                for code in side.signals {
                    signals.append(ReportSignal(time: time, code: code, severity: severity(of: code, in: side) ?? "info",
                                                message: "raised in the \(world) world"))
                }
                for action in side.actions {
                    actions.append(ReportAction(time: time, action: action.action, applied: action.applied,
                                                reason: "\(world) world", code: nil))
                }
            }
        }

        var series: [ReportPoint] = []
        if let impact {
            for point in impact.ratePath {
                series.append(ReportPoint(time: point.time.seconds, exchangeRate: point.recorded.description, balances: [:],
                                          comparedExchangeRate: point.candidate.description))
            }
            // Hold the last rates to the end of the window, so the step lines run the whole span.
            let end = report.until.map { min($0, report.historyEnd) } ?? report.historyEnd
            if let last = series.last, last.time < end.seconds {
                series.append(ReportPoint(time: end.seconds, exchangeRate: last.exchangeRate, balances: [:],
                                          comparedExchangeRate: last.comparedExchangeRate))
            }
        }

        let verdict: String
        if !failures.isEmpty {
            verdict = "The candidate FAILED \(failures.count) time(s), first at \(failures[0].time.iso8601) in \(failures[0].hook)."
        } else if differences.isEmpty && refused.isEmpty && (impact?.isZero ?? true) {
            verdict = "Every decision is the same as recorded; the same money moved."
        } else {
            var parts = ["\(differences.count) hook call(s) decide differently"
                + (differences.first.map { ", first at \($0.time.iso8601) (\($0.hook))" } ?? "")]
            if !refused.isEmpty { parts.append("\(refused.count) event(s) refused") }
            if let impact {
                parts.append("USDS to manager \(MoneyImpact.delta(impact.recorded.toManager, impact.candidate.toManager)), "
                    + "from manager \(MoneyImpact.delta(impact.recorded.fromManager, impact.candidate.fromManager))")
            }
            verdict = parts.joined(separator: "; ") + "."
        }
        let identical = differences.isEmpty && refused.isEmpty && (impact?.isZero ?? true)
        return ReportRun(
            name: "recorded vs candidate", source: report.stateDirectory, unit: unit,
            policyFile: mine ? report.candidatePolicy : "(unchanged)", policySHA256: mine ? report.candidateSHA256 : nil,
            passed: !failures.isEmpty ? false : (identical ? true : nil), verdict: verdict,
            steps: refused.enumerated().map { index, event in
                ReportStep(index: index + 1, line: nil, time: event.time.iso8601, action: "event \(event.id) (refused by the candidate's world)",
                           ok: false, error: event.failure.description, expectedError: nil)
            },
            decisions: decisions, signals: signals, actions: actions, series: series, tables: tables,
            rateLegend: ["recorded", "candidate"],
            badge: !failures.isEmpty ? "CANDIDATE FAILED" : (identical ? "IDENTICAL" : "DIFFERS"))
    }

    /// A raised code's severity, when the decision is a `signals` result that names it.
    static func severity(of code: String, in decision: ReplayDecision) -> String? {
        guard case .array(let raised) = decision.result else { return nil }
        for signal in raised where signal["code"] == .string(code) {
            if case .string(let severity)? = signal["severity"] { return severity }
        }
        return nil
    }
}
