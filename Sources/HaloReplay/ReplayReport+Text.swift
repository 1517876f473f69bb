import HaloCore

extension ReplayReport {
    /// The human report: a header, the differing decisions as a table, the candidate's
    /// failures and refused events, then the money per Unit (recorded, candidate, delta) and
    /// the exchange-rate path where the two differ.
    public func text() -> String {
        var lines: [String] = []
        let window = [since.map { "from \($0.iso8601)" }, until.map { "to \($0.iso8601)" }].compactMap { $0 }.joined(separator: " ")
        lines.append("halo replay: unit \(unit) of \(halo), candidate \(candidatePolicy)"
            + (candidateSHA256.map { " (sha256 \($0.prefix(12)))" } ?? ""))
        lines.append("history \(historyStart.iso8601) .. \(historyEnd.iso8601), \(records) journal records"
            + (window.isEmpty ? "" : "; window \(window)")
            + "; hook calls: \(hookCalls.recorded) recorded, \(hookCalls.candidate) candidate")
        lines.append("")
        if differences.isEmpty {
            lines.append("Every decision is the same as recorded.")
        } else {
            lines.append("\(differences.count) decision(s) differ:")
            var rows = [["TIME", "HOOK", "RECORDED", "CANDIDATE"]]
            for difference in differences {
                rows.append([difference.time.iso8601, difference.hook,
                             difference.recorded.map { $0.summary(hook: difference.hook) } ?? "(not called)",
                             difference.candidate.map { $0.summary(hook: difference.hook) } ?? "(not called)"])
                // Shown when it reads differently from the candidate's own answer (a note alone may differ).
                if let asked = difference.sameContext,
                   difference.candidate.map({ asked.summary(hook: difference.hook) != $0.summary(hook: difference.hook) }) ?? true {
                    rows.append(["", "  on recorded ctx", "", asked.summary(hook: difference.hook)])
                }
                let oldSignals = difference.recorded?.signals ?? [], newSignals = difference.candidate?.signals ?? []
                if oldSignals != newSignals {
                    rows.append(["", "  signals", oldSignals.joined(separator: ", "), newSignals.joined(separator: ", ")])
                }
                let oldActions = (difference.recorded?.actions ?? []).map(Self.actionText)
                let newActions = (difference.candidate?.actions ?? []).map(Self.actionText)
                if oldActions != newActions {
                    rows.append(["", "  actions", oldActions.joined(separator: ", "), newActions.joined(separator: ", ")])
                }
            }
            lines.append(contentsOf: Self.table(rows))
        }
        if !failures.isEmpty {
            lines.append("")
            lines.append("The candidate FAILED \(failures.count) time(s) (the runtime fell back: no conversion, previous rate):")
            for failure in failures {
                lines.append("  \(failure.time.iso8601)  \(failure.hook)\(failure.onRecordedContext ? " (asked on the recorded ctx)" : ""): \(failure.failure)")
            }
        }
        if !refusedEvents.isEmpty {
            lines.append("")
            lines.append("Events the candidate's world refuses (applied in the recorded history):")
            for event in refusedEvents { lines.append("  \(event.time.iso8601)  \(event.id): \(event.failure)") }
        }
        for impact in money {
            lines.append("")
            lines.append("Money, unit \(impact.unit) (\(impact.recorded.settlements) settlements recorded, \(impact.candidate.settlements) candidate):")
            let r = impact.recorded, c = impact.candidate
            var rows = [["", "RECORDED", "CANDIDATE", "DELTA"]]
            rows.append(["USDS to manager", r.toManager.description, c.toManager.description, MoneyImpact.delta(r.toManager, c.toManager)])
            rows.append(["USDS from manager", r.fromManager.description, c.fromManager.description, MoneyImpact.delta(r.fromManager, c.fromManager)])
            rows.append(["shares minted", r.sharesMinted.description, c.sharesMinted.description, MoneyImpact.delta(r.sharesMinted, c.sharesMinted)])
            rows.append(["shares burned", r.sharesBurned.description, c.sharesBurned.description, MoneyImpact.delta(r.sharesBurned, c.sharesBurned)])
            rows.append(["final exchange rate", r.finalRate.description, c.finalRate.description, r.finalRate == c.finalRate ? "same" : "differs"])
            lines.append(contentsOf: Self.table(rows).map { "  " + $0 })
            let diverging = impact.ratePath.filter { $0.recorded != $0.candidate }
            if !diverging.isEmpty {
                lines.append("  exchange rate where the paths differ:")
                for point in diverging {
                    lines.append("    \(point.time.iso8601)  recorded \(point.recorded)  candidate \(point.candidate)")
                }
            }
        }
        lines.append("")
        lines.append(candidateFailed ? "Result: the candidate FAILED on this history (exit 3)."
                     : identical ? "Result: identical (exit 0)." : "Result: the candidate decides differently (exit 1).")
        return lines.joined(separator: "\n")
    }

    static func actionText(_ action: (action: String, applied: Bool)) -> String {
        action.applied ? action.action : action.action + " (refused)"
    }

    /// Left-aligned columns; the last column is not padded.
    static func table(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() where index < columns - 1 { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }.joined()
        }
    }
}
