import Yams

/// Where one `expect` step's value sits in a fixture's text (1-based lines and columns).
public struct ExpectLocation: Sendable, Equatable {
    /// The step's index.
    public var stepIndex: Int
    /// The line and column of the `expect` key.
    public var keyLine: Int
    public var keyColumn: Int
    /// The value is a flow mapping (`{ ... }`) starting on the key's line.
    public var flow: Bool
    /// The value is empty (`expect:` or `expect: {}`).
    public var empty: Bool
    /// The last line of the value (trailing blank and comment-only lines excluded: they
    /// belong to what follows).
    public var endLine: Int
}

/// The text layout of a fixture, for tools that edit it in place (`halo test --update`):
/// the line ranges of its `expect` steps and where a new step would go. Everything else in
/// the file is left as written, so comments, order and layout survive an edit.
public struct FixtureLayout: Sendable {
    /// The fixture's lines (without line ends).
    public var lines: [String]
    /// Every `expect` step, by step index.
    public var expects: [Int: ExpectLocation]
    /// The last line of the last step (a new step goes after it).
    public var stepsEndLine: Int
    /// The column of the steps' `-` (1-based).
    public var stepDashColumn: Int

    /// Reads the layout of `text` (the fixture at `file`).
    public static func read(_ text: String, file: String) throws(ArtifactError) -> FixtureLayout {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ArtifactError(.fixtureInvalid, file: file, line: nil, field: nil, "cannot parse: \(error)")
        }
        guard let root, let mapping = root.mapping else {
            throw ArtifactError(.fixtureInvalid, file: file, line: 1, field: nil, "a fixture is a mapping")
        }
        let rootKeys = mapping.map(\.key)
        guard let stepsIndex = rootKeys.firstIndex(where: { $0.scalar?.string == "steps" }),
              let steps = Array(mapping)[stepsIndex].value.sequence, let firstStep = steps.first
        else {
            throw ArtifactError(.fixtureInvalid, file: file, line: nil, field: "steps", "a fixture needs at least one step")
        }
        // The first thing after the steps: the next top-level key, or the end of the file.
        let afterSteps = rootKeys.compactMap { $0.mark?.line }.filter { $0 > (firstStep.mark?.line ?? 0) }.min() ?? lines.count + 1

        func trimmedEnd(_ boundary: Int, notBefore start: Int) -> Int {
            var end = boundary - 1
            while end > start, isBlankOrComment(lines[end - 1]) { end -= 1 }
            return end
        }

        var expects: [Int: ExpectLocation] = [:]
        let items = Array(steps)
        for (index, step) in items.enumerated() {
            guard let stepMapping = step.mapping else { continue }
            let pairs = Array(stepMapping)
            guard let position = pairs.firstIndex(where: { $0.key.scalar?.string == "expect" }),
                  let keyMark = pairs[position].key.mark else { continue }
            let value = pairs[position].value
            // The value ends before the step's next key, the next step, or whatever follows the steps.
            var boundaries = pairs.compactMap { $0.key.mark?.line }.filter { $0 > keyMark.line }
            if index + 1 < items.count, let next = items[index + 1].mark?.line { boundaries.append(next) }
            boundaries.append(afterSteps)
            let flow = value.mapping?.style == .flow && value.mark?.line == keyMark.line
            let empty = (value.mapping?.isEmpty ?? false) || (value.scalar.map { $0.string.isEmpty || $0.string == "~" } ?? false)
            expects[index] = ExpectLocation(stepIndex: index, keyLine: keyMark.line, keyColumn: keyMark.column, flow: flow,
                                            empty: empty, endLine: trimmedEnd(boundaries.min()!, notBefore: keyMark.line))
        }
        let firstLine = lines[(firstStep.mark?.line ?? 1) - 1]
        let dash = firstLine.firstIndex(of: "-").map { firstLine.distance(from: firstLine.startIndex, to: $0) + 1 } ?? 3
        return FixtureLayout(lines: lines, expects: expects, stepsEndLine: trimmedEnd(afterSteps, notBefore: items.last?.mark?.line ?? 1),
                             stepDashColumn: dash)
    }

    /// True for a line that holds nothing but spaces and perhaps a comment.
    public static func isBlankOrComment(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        return trimmed.isEmpty || trimmed.hasPrefix("#")
    }
}

private func isBlankOrComment(_ line: String) -> Bool { FixtureLayout.isBlankOrComment(line) }
