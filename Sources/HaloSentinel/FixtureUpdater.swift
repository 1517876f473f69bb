import Foundation
import HaloArtifacts
import HaloCore

/// What `--update` did to one fixture.
public struct FixtureUpdate: Sendable {
    /// The fixture file.
    public var path: String
    /// The new text (equal to the old one when nothing changed or the update was refused).
    public var text: String
    /// A unified diff of the change (empty when nothing changed).
    public var diff: [String]
    /// Why the fixture was not rewritten, when it was not.
    public var refused: String?

    /// True when the file's text changed.
    public var changed: Bool { !diff.isEmpty }
}

/// Writes observed values into a fixture's `expect` steps: the snapshot-test workflow
/// (Jest's `-u`, insta's `accept`) for exact 18-decimal amounts nobody should compute by hand.
///
/// Rules: a failing `expect` is rewritten with the same keys it checked, now holding what the
/// run observed; an empty `expect: {}` and a fixture without any `expect` get the whole state
/// (a final `expect` is appended in the second case). Only those lines change: comments,
/// order and layout elsewhere stay as written, and a trailing comment on a rewritten line is
/// kept when its key is still there. A fixture whose policy failed to load, whose hooks
/// failed unexpectedly, or where any other step failed is never rewritten: its run is not a
/// snapshot worth keeping.
///
/// ```swift
/// let update = try FixtureUpdater.update(fixture, result: FixtureRunner.run(fixture), text: text)
/// if update.changed { try update.text.write(toFile: fixture.path, atomically: true, encoding: .utf8) }
/// ```
public enum FixtureUpdater {
    /// Computes the update of `fixture` (whose file holds `text`) from its run `result`.
    public static func update(_ fixture: Fixture, result: DryRunResult, text: String) throws(ArtifactError) -> FixtureUpdate {
        var outcome = FixtureUpdate(path: fixture.path, text: text, diff: [], refused: nil)
        if let failure = result.loadFailure {
            outcome.refused = "the policy failed to load (\(failure)); fix it first"
            return outcome
        }
        if result.unexpectedPolicyFailures > 0 {
            outcome.refused = "a policy hook failed (exit 3); fix the policy, or expect POLICY_FAILURE in the fixture"
            return outcome
        }
        if let step = result.steps.first(where: { !$0.ok && $0.action != "expect" }) {
            outcome.refused = "step \(step.index) (\(step.action), line \(step.line)) failed: \(step.error?.description ?? "?")"
            return outcome
        }
        let layout = try FixtureLayout.read(text, file: fixture.path)
        var replacements: [(first: Int, last: Int, lines: [String])] = []   // 1-based, inclusive; last < first inserts
        var sawExpect = false
        for (step, outcomeOfStep) in zip(fixture.steps, result.steps) {
            guard case .expect(let expectation) = step.action, let location = layout.expects[step.index],
                  let observed = outcomeOfStep.observed else { continue }
            sawExpect = true
            guard !outcomeOfStep.ok || location.empty else { continue }
            let pairs = location.empty ? wholeState(observed) : sameKeys(expectation, observed)
            let old = Array(layout.lines[(location.keyLine - 1)..<location.endLine])
            replacements.append((location.keyLine, location.endLine, render(pairs, location: location, old: old)))
        }
        if !sawExpect {
            let dash = String(repeating: " ", count: layout.stepDashColumn - 1)
            var lines = ["", dash + "# the final state, written by `halo test --update`", dash + "- expect:"]
            lines += block(wholeState(result.finalObserved), indent: layout.stepDashColumn - 1 + 4)
            replacements.append((layout.stepsEndLine + 1, layout.stepsEndLine, lines))
        }
        guard !replacements.isEmpty else { return outcome }

        var lines = layout.lines
        var diff = ["--- \(fixture.path)", "+++ \(fixture.path) (updated)"]
        var shift = 0
        for replacement in replacements.sorted(by: { $0.first < $1.first }) {
            let old = replacement.last >= replacement.first ? Array(layout.lines[(replacement.first - 1)..<replacement.last]) : []
            if old == replacement.lines { continue }
            diff.append("@@ -\(replacement.first),\(old.count) +\(replacement.first + shift),\(replacement.lines.count) @@")
            // Unchanged lines at either end are context, not removed and added again.
            let new = replacement.lines
            var head = 0
            while head < old.count, head < new.count, old[head] == new[head] { head += 1 }
            var tail = 0
            while tail < old.count - head, tail < new.count - head, old[old.count - 1 - tail] == new[new.count - 1 - tail] { tail += 1 }
            diff += old[..<head].map { " " + $0 }
            diff += old[head..<(old.count - tail)].map { "-" + $0 } + new[head..<(new.count - tail)].map { "+" + $0 }
            diff += old[(old.count - tail)...].map { " " + $0 }
            let start = replacement.first - 1 + shift
            lines.replaceSubrange(start..<(start + old.count), with: replacement.lines)
            shift += replacement.lines.count - old.count
        }
        guard diff.count > 2 else { return outcome }
        outcome.diff = diff
        outcome.text = lines.joined(separator: "\n")
        return outcome
    }

    // MARK: What to write

    /// A rendered key: its name and either one flow value or nested entries (one per line in block style).
    struct Entry {
        var key: String
        var value: String?
        var children: [(key: String, value: String)] = []
    }

    static func sameKeys(_ expectation: Expectation, _ observed: JSONValue) -> [Entry] {
        var entries: [Entry] = []
        func balances(_ list: [(account: String, balances: [(asset: String, amount: Amount)])], _ section: String) -> Entry {
            Entry(key: section, children: list.map { account, assets in
                (account, flow(assets.map { ($0.asset, quoted(observed[section]?[account]?[$0.asset], zero: "0")) }))
            })
        }
        if !expectation.accounts.isEmpty {
            // A zero balance is absent from the state: write it as "0" so the check stays.
            entries.append(balances(expectation.accounts, "accounts"))
        }
        if !expectation.queues.isEmpty {
            entries.append(Entry(key: "queues", children: expectation.queues.map { kind, expected in
                let actual = observed["queues"]?[kind.rawValue]
                var fields: [(String, String)] = []
                if expected.status != nil { fields.append(("status", bare(actual?["status"]))) }
                if expected.generation != nil { fields.append(("generation", bare(actual?["generation"]))) }
                for (name, set) in [("total_shares", expected.totalShares != nil), ("total_underlying", expected.totalUnderlying != nil),
                                    ("reward_per_token", expected.rewardPerToken != nil)] where set {
                    fields.append((name, quoted(actual?[name])))
                }
                return (kind.rawValue, flow(fields))
            }))
        }
        if !expectation.rateLimits.isEmpty {
            entries.append(Entry(key: "rate_limits", children: expectation.rateLimits.map { key, expected in
                let actual = observed["rate_limits"]?[key]
                var fields: [(String, String)] = []
                for (name, set) in [("current", expected.current != nil), ("max", expected.maxAmount != nil), ("slope", expected.slope != nil),
                                    ("last_amount", expected.lastAmount != nil), ("last_updated", expected.lastUpdated != nil)] where set {
                    fields.append((name, quoted(actual?[name], zero: name == "last_updated" ? "1970-01-01T00:00:00Z" : "0")))
                }
                return (key, flow(fields))
            }))
        }
        if expectation.exchangeRate != nil { entries.append(Entry(key: "exchange_rate", value: quoted(observed["exchange_rate"]))) }
        // A list that holds the same set stays in the author's order.
        func names(_ expected: [String]?, _ key: String) -> String {
            guard case .array(let items)? = observed[key], let expected else { return list(observed[key]) }
            let actual = Set(items.compactMap { if case .string(let text) = $0 { return text } else { return nil } })
            return actual == Set(expected) ? "[" + expected.joined(separator: ", ") + "]" : list(observed[key])
        }
        if expectation.signals != nil { entries.append(Entry(key: "signals", value: names(expectation.signals, "signals"))) }
        if expectation.actions != nil { entries.append(Entry(key: "actions", value: names(expectation.actions, "actions"))) }
        if !expectation.flags.isEmpty {
            entries.append(Entry(key: "flags", value: flow(expectation.flags.map { ($0.name, bare(observed["flags"]?[$0.name])) })))
        }
        if !expectation.unitAccounts.isEmpty { entries.append(balances(expectation.unitAccounts, "unit_accounts")) }
        if !expectation.state.isEmpty {
            entries.append(Entry(key: "state", value: flow(expectation.state.map { ($0.name, yaml(observed["state"]?[$0.name] ?? .null)) })))
        }
        return entries
    }

    static func wholeState(_ observed: JSONValue) -> [Entry] {
        func objectEntries(_ value: JSONValue?) -> [(key: String, value: String)] {
            guard case .object(let pairs)? = value else { return [] }
            return pairs.map { ($0.0, yaml($0.1)) }
        }
        var entries = [Entry(key: "accounts", children: objectEntries(observed["accounts"]))]
        if case .object(let accounts)? = observed["accounts"], accounts.isEmpty { entries[0] = Entry(key: "accounts", value: "{}") }
        // Queue statuses are written bare (`status: dormant`), as people write them.
        entries.append(Entry(key: "queues", children: objectEntries(observed["queues"]).map { queue in
            (queue.key, queue.value.replacingOccurrences(of: #"status: "(\w+)""#, with: "status: $1", options: .regularExpression))
        }))
        let limits = objectEntries(observed["rate_limits"])
        entries.append(limits.isEmpty ? Entry(key: "rate_limits", value: "{}") : Entry(key: "rate_limits", children: limits))
        entries.append(Entry(key: "exchange_rate", value: quoted(observed["exchange_rate"])))
        entries.append(Entry(key: "signals", value: list(observed["signals"])))
        entries.append(Entry(key: "actions", value: list(observed["actions"])))
        entries.append(Entry(key: "flags", value: yaml(observed["flags"] ?? .object([]))))
        let unitAccounts = objectEntries(observed["unit_accounts"])
        if !unitAccounts.isEmpty { entries.append(Entry(key: "unit_accounts", children: unitAccounts)) }
        if case .object(let state)? = observed["state"], !state.isEmpty {
            entries.append(Entry(key: "state", value: yaml(.object(state))))
        }
        return entries
    }

    // MARK: Text

    static func render(_ entries: [Entry], location: ExpectLocation, old: [String]) -> [String] {
        let keyLine = old[0]
        let prefixEnd = keyLine.index(keyLine.startIndex, offsetBy: location.keyColumn - 1 + "expect:".count)
        let prefix = String(keyLine[..<prefixEnd])
        if location.flow && !location.empty {
            let body = "{ " + entries.map { entry in
                "\(entry.key): " + (entry.value ?? flow(entry.children.map { ($0.key, $0.value) }))
            }.joined(separator: ", ") + " }"
            return [prefix + " " + body + (comment(of: old.last!).map { "   " + $0 } ?? "")]
        }
        var lines = [prefix + (location.empty ? "" : (comment(of: keyLine).map { "   " + $0 } ?? ""))]
        // A key written on one line (`accounts: { alice: {...} }`) stays on one line.
        var flowKeys: Set<String> = []
        for line in old.dropFirst() where !FixtureLayout.isBlankOrComment(line) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("{") { flowKeys.insert(line[..<colon].trimmingCharacters(in: .whitespaces)) }
        }
        let indent = old.dropFirst().first { !FixtureLayout.isBlankOrComment($0) }.map { $0.prefix { $0 == " " }.count }
            ?? location.keyColumn - 1 + 2
        let rendered = block(entries.map { entry in
            guard entry.value == nil, flowKeys.contains(entry.key) else { return entry }
            return Entry(key: entry.key, value: flow(entry.children.map { ($0.key, $0.value) }))
        }, indent: indent)
        // Keep trailing comments of lines whose key survives, and comment-only lines before them.
        var pendingComments: [String] = []
        var keptComments: [String: (before: [String], trailing: String?)] = [:]
        for line in old.dropFirst() {
            if FixtureLayout.isBlankOrComment(line) { pendingComments.append(line); continue }
            keptComments[keyOf(line)] = (pendingComments, comment(of: line))
            pendingComments = []
        }
        for line in rendered {
            if let kept = keptComments[keyOf(line)] {
                lines += kept.before
                lines.append(line + (kept.trailing.map { "   " + $0 } ?? ""))
            } else {
                lines.append(line)
            }
        }
        return lines
    }

    static func block(_ entries: [Entry], indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        for entry in entries {
            if let value = entry.value {
                lines.append("\(pad)\(entry.key): \(value)")
            } else {
                lines.append("\(pad)\(entry.key):")
                for child in entry.children { lines.append("\(pad)  \(child.key): \(child.value)") }
            }
        }
        return lines
    }

    /// The indentation and key of a line (`"    alice: {...}"` -> `"    alice"`).
    static func keyOf(_ line: String) -> String {
        guard let colon = line.firstIndex(of: ":") else { return line }
        var key = String(line[..<colon])
        if key.trimmingLeadingSpaces.hasPrefix("- ") { key = key.replacingOccurrences(of: "- ", with: "  ") }
        return key
    }

    /// The `# ...` comment ending a line, outside quotes.
    static func comment(of line: String) -> String? {
        var quote: Character?
        var previous: Character = " "
        for index in line.indices {
            let character = line[index]
            if let open = quote { if character == open { quote = nil } }
            else if character == "\"" || character == "'" { quote = character }
            else if character == "#", previous == " " { return String(line[index...]) }
            previous = character
        }
        return nil
    }

    static func flow(_ fields: [(String, String)]) -> String {
        fields.isEmpty ? "{}" : "{ " + fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + " }"
    }

    static func quoted(_ value: JSONValue?, zero: String = "0") -> String {
        guard let value else { return "\"\(zero)\"" }
        if case .string(let text) = value { return "\"\(text)\"" }
        return yaml(value)
    }

    static func bare(_ value: JSONValue?) -> String {
        guard let value else { return "~" }
        if case .string(let text) = value { return text }
        return yaml(value)
    }

    static func list(_ value: JSONValue?) -> String {
        guard case .array(let items)? = value else { return "[]" }
        return "[" + items.map(bare).joined(separator: ", ") + "]"
    }

    /// A value as YAML flow text: strings quoted, numbers and flags bare.
    static func yaml(_ value: JSONValue) -> String {
        switch value {
        case .null: return "~"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .string(let text): return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .array(let items): return "[" + items.map(yaml).joined(separator: ", ") + "]"
        case .object(let pairs):
            if pairs.isEmpty { return "{}" }
            return "{ " + pairs.map { "\($0.0): \(yaml($0.1))" }.joined(separator: ", ") + " }"
        }
    }
}

extension DryRunResult {
    /// The final state with the signals and actions of the whole run, as `expect` sees it.
    public var finalObserved: JSONValue {
        guard case .object(var pairs) = final else { return final }
        let codes = Set(signals.map(\.code)).sorted()
        let applied = Set(actions.filter { $0.applied && $0.action != "note" }.map(\.action)).sorted()
        pairs.append(("signals", .array(codes.map { .string($0) })))
        pairs.append(("actions", .array(applied.map { .string($0) })))
        return .object(pairs)
    }
}

private extension String {
    var trimmingLeadingSpaces: Substring { drop { $0 == " " } }
}
