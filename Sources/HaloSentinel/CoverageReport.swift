import Foundation
import HaloArtifacts

/// What a Unit's fixtures leave unexercised, and how much of each policy file they ran
/// (`halo test --coverage`).
///
/// Lines: Lua's public API lists no executable lines of nested functions, so a line counts as
/// executable when it holds code other than a closing `end`/`else`/bracket (comments, blank
/// lines and long comments excluded); a line that ran always counts. Params: a parameter
/// counts as read when the policy file, a module it requires from its own folder or the
/// stdlib names it (`params.x`, `p.x`, `params["x"]`), or the runtime reads it
/// (`max_rate_increase_per_day`); this is a reading of the source, not of the run.
///
/// ```swift
/// let report = CoverageReport.build(units: units, results: results, lines: CoverageCollector.shared.snapshot())
/// print(report.table().joined(separator: "\n"))
/// ```
public struct CoverageReport: Sendable {
    /// One policy file's lines.
    public struct FileLines: Sendable {
        /// The file (as the policy's chunk name shows it).
        public var path: String
        /// Lines holding code.
        public var executable: [Int]
        /// Lines that ran.
        public var hit: Set<Int>
        /// Executable lines that ran.
        public var covered: Int { executable.filter { hit.contains($0) }.count }
        /// Percentage of executable lines that ran (0 ... 100).
        public var percent: Double { executable.isEmpty ? 100 : Double(covered) * 100 / Double(executable.count) }
    }

    /// One Unit's declared names its fixtures never exercised.
    public struct UnitGaps: Sendable {
        public var unit: String
        public var policy: String
        public var fixtures: Int
        /// Declared signals no fixture raised.
        public var unraisedSignals: [String]
        /// Declared responses no fixture applied.
        public var unappliedResponses: [String]
        /// Params the policy source never names.
        public var unreadParams: [String]
    }

    public var files: [FileLines]
    public var units: [UnitGaps]

    /// Params the runtime itself reads (`UnitSentinel+Cycle.swift`: the daily cap on rate increases).
    static let runtimeParams = ["max_rate_increase_per_day"]

    /// Builds the report from each Unit's fixture results and the lines the collector saw.
    public static func build(units: [UnitArtifact], results: [DryRunResult], lines: [String: Set<Int>]) -> CoverageReport {
        var gaps: [UnitGaps] = []
        var paths: [String] = []
        for unit in units {
            let mine = results.filter { $0.unit == unit.name }
            let raised = Set(mine.flatMap { $0.signals.map(\.code) })
            let applied = Set(mine.flatMap { $0.actions.filter(\.applied).map(\.action) })
            let policy = PolicyHost.chunkName(unit.policyFile)
            let sources = sourceFiles(of: unit.policyFile)
            // The stdlib and the runtime read params too (`max_rate_increase_per_day` caps the rate).
            let stdlib = StdlibLocator.find(near: [unit.policyFile]).map { [$0 + "/halo.lua"] } ?? []
            // Comments do not read a param: a note that mentions `params.x` must not hide that x is unread.
            let text = (sources + stdlib).compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }.map(Self.withoutComments).joined(separator: "\n")
                + "\n" + Self.runtimeParams.map { ".\($0)" }.joined(separator: "\n")
            gaps.append(UnitGaps(unit: unit.name, policy: policy, fixtures: mine.count,
                                 unraisedSignals: unit.signals.filter { !raised.contains($0) },
                                 unappliedResponses: unit.responses.map(\.rawValue).filter { !applied.contains($0) },
                                 unreadParams: unit.params.map(\.key).filter { !mentions(text, $0) }))
            for source in sources.map(PolicyHost.chunkName) where !paths.contains(source) { paths.append(source) }
        }
        let files = paths.map { path in
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            let hit = lines[path] ?? []
            let executable = Set(executableLines(text)).union(hit).sorted()
            return FileLines(path: path, executable: executable, hit: hit)
        }
        return CoverageReport(files: files, units: gaps)
    }

    /// The summary table and the gaps, as lines of text.
    public func table() -> [String] {
        var out = ["policy file" + String(repeating: " ", count: 39) + "  lines   run  cover"]
        for file in files {
            let name = file.path.count > 50 ? "…" + file.path.suffix(49) : file.path
            out.append(name.padding(toLength: 50, withPad: " ", startingAt: 0)
                       + String(format: "  %5d %5d  %5.1f%%", file.executable.count, file.covered, file.percent))
        }
        for unit in units {
            out.append("")
            out.append("\(unit.unit) (\(unit.policy), \(unit.fixtures) fixtures)")
            out.append("  signals never raised:    " + list(unit.unraisedSignals))
            out.append("  responses never applied: " + list(unit.unappliedResponses))
            out.append("  params never read:       " + list(unit.unreadParams))
        }
        return out
    }

    /// The lcov tracefile (`SF`, `DA`, `LF`, `LH` per file), for editors and CI.
    public func lcov() -> String {
        var out = ""
        for file in files {
            out += "TN:\nSF:\(PolicyHost.absolute(file.path))\n"
            for line in file.executable { out += "DA:\(line),\(file.hit.contains(line) ? 1 : 0)\n" }
            out += "LF:\(file.executable.count)\nLH:\(file.covered)\nend_of_record\n"
        }
        return out
    }

    private func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }

    /// The policy and the modules it requires from its own folder (`require "common.halts"`).
    static func sourceFiles(of policy: String) -> [String] {
        var result = [policy]
        let folder = (policy as NSString).deletingLastPathComponent
        var index = 0
        while index < result.count {
            let text = withoutComments((try? String(contentsOfFile: result[index], encoding: .utf8)) ?? "")
            for name in requires(text) {
                let path = ArtifactPath.normalize((folder.isEmpty ? "." : folder) + "/" + name.replacingOccurrences(of: ".", with: "/") + ".lua")
                if FileManager.default.fileExists(atPath: path), !result.contains(path) { result.append(path) }
            }
            index += 1
        }
        return result
    }

    static func requires(_ text: String) -> [String] {
        var names: [String] = []
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: "require") else { continue }
            let rest = line[range.upperBound...].drop { $0 == " " || $0 == "(" }
            guard let quote = rest.first, quote == "\"" || quote == "'" else { continue }
            names.append(String(rest.dropFirst().prefix { $0 != quote }))
        }
        return names
    }

    /// Lua source with its comments (`-- ...` to the end of the line, `--[[ ... ]]`,
    /// `--[==[ ... ]==]`) removed and everything else, string literals included, kept; line
    /// breaks stay where they were. A `--` inside a string is part of the string.
    static func withoutComments(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        /// The level of a long bracket `[` `=`* `[` starting at `at`, or nil.
        func longBracket(_ at: Int) -> Int? {
            guard at < bytes.count, bytes[at] == UInt8(ascii: "[") else { return nil }
            var j = at + 1
            while j < bytes.count, bytes[j] == UInt8(ascii: "=") { j += 1 }
            return j < bytes.count && bytes[j] == UInt8(ascii: "[") ? j - at - 1 : nil
        }
        /// The index just past the long bracket's close `]` `=`*level `]` searched from `from`.
        func closeOf(level: Int, from: Int) -> Int {
            var j = from
            while j < bytes.count {
                if bytes[j] == UInt8(ascii: "]") {
                    var k = j + 1
                    while k < bytes.count, bytes[k] == UInt8(ascii: "="), k - j - 1 < level { k += 1 }
                    if k - j - 1 == level, k < bytes.count, bytes[k] == UInt8(ascii: "]") { return k + 1 }
                }
                j += 1
            }
            return bytes.count
        }
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "-"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "-") {
                if let level = longBracket(i + 2) {
                    let end = closeOf(level: level, from: i + 2 + level + 2)
                    out.append(contentsOf: bytes[i..<end].filter { $0 == UInt8(ascii: "\n") })
                    i = end
                } else {
                    while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
                }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                out.append(byte)
                i += 1
                while i < bytes.count, bytes[i] != byte, bytes[i] != UInt8(ascii: "\n") {
                    if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count { out.append(bytes[i]); i += 1 }
                    out.append(bytes[i])
                    i += 1
                }
                if i < bytes.count, bytes[i] == byte { out.append(byte); i += 1 }
            } else if let level = longBracket(i) {
                let end = closeOf(level: level, from: i + level + 2)
                out.append(contentsOf: bytes[i..<end])
                i = end
            } else {
                out.append(byte)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func mentions(_ text: String, _ name: String) -> Bool {
        for pattern in [".\(name)", "\"\(name)\"", "'\(name)'"] {
            var search = text[...]
            while let range = search.range(of: pattern) {
                let next = search[range.upperBound...].first
                if next.map({ !($0.isLetter || $0.isNumber || $0 == "_") }) ?? true { return true }
                search = search[range.upperBound...]
            }
        }
        return false
    }

    /// Lines holding code (see the type's note).
    static func executableLines(_ text: String) -> [Int] {
        var result: [Int] = []
        var inLongComment = false
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if inLongComment {
                if line.contains("]]") { inLongComment = false }
                continue
            }
            if line.hasPrefix("--[[") || line.hasPrefix("--[=[") {
                if !line.contains("]]") { inLongComment = true }
                continue
            }
            if let comment = line.range(of: "--") { line = String(line[..<comment.lowerBound]).trimmingCharacters(in: .whitespaces) }
            let closing: Set<String> = ["", "end", "else", "end)", "end,", "}", "},", "})", ")", "]", "end))", "do", "then", "repeat"]
            if closing.contains(line) { continue }
            // Lua attributes a local function's closure and a string continued on the next
            // line to other lines: counting them would report lines that can never run.
            if line.hasPrefix("local function ") || line.hasPrefix("\"") || line.hasPrefix("'") { continue }
            result.append(offset + 1)
        }
        return result
    }
}
