import ArgumentParser
import Foundation
import HaloArtifacts
import HaloCore
import HaloReplay

/// `halo replay`: what a candidate policy would have decided on the journal's real history.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a candidate policy against a Sentinel's journal: decision diff and money impact; touches nothing.",
        discussion: """
        The Unit is rebuilt from the journal twice: as recorded, and with the candidate deciding every hook call \
        from --since (default: the start) on its own copy, so later cycles see its earlier decisions. Reports the \
        hook calls that decide differently and the money each world moved (USDS to and from the manager, shares \
        minted and burned, the exchange-rate path). The journal is only read. See docs/replay.md.

        Exit codes: 0 identical, 1 differs, 2 invalid input, 3 the candidate failed (a hook error or timeout).
        """
    )

    @Option(name: .long, help: "The Sentinel's state directory.")
    var state: String

    @Option(name: .long, help: "The candidate policy file.")
    var policy: String

    @Option(name: .long, help: "The Unit whose policy the candidate replaces (default: the Unit whose artifact names the same file, or the only Unit).")
    var unit: String?

    @Option(name: .long, help: "ISO-8601 time (or date): the candidate takes over here; earlier history only rebuilds the state.")
    var since: String?

    @Option(name: .long, help: "ISO-8601 time (or date): report nothing later.")
    var until: String?

    @Flag(name: .long, help: "Print one JSON document (shape: docs/replay.md).")
    var json = false

    @Option(name: .long, help: "Also write a self-contained HTML report (money impact, differing decisions, rate chart) to FILE.")
    var html: String?

    func run() throws {
        var options = ReplayOptions(policy: policy, unit: unit)
        do {
            options.since = try since.map { try Self.time($0, "--since") }
            options.until = try until.map { try Self.time($0, "--until") }
        } catch {
            Output.error("halo replay: \(error)")
            throw ExitCode(2)
        }
        let report: ReplayReport
        do {
            report = try ReplayEngine.run(stateDirectory: state, options: options)
        } catch {
            if json {
                let document = JSONValue.object([("status", .string(error.exitCode == 3 ? "candidate-failed" : "invalid")),
                                                 ("error", .object([("code", .string(error.code)), ("message", .string(error.message))]))])
                Output.line(document.serialized())
            }
            Output.error("halo replay: \(error)")
            throw ExitCode(error.exitCode)
        }
        if json {
            Output.line(report.json().serialized())
        } else {
            Output.line(report.text())
        }
        if let html { try ReportBuilder.write(ReportBuilder.document(report), to: html) }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// A full ISO-8601 time, or a date meaning its midnight UTC.
    static func time(_ text: String, _ option: String) throws -> Timestamp {
        if let time = try? Timestamp(iso8601: text) { return time }
        if let time = try? Timestamp(iso8601: text + "T00:00:00Z") { return time }
        throw ValidationError("\(option): '\(text)' is not an ISO-8601 time (2026-03-09T13:00:00Z) or date (2026-03-09)")
    }
}
