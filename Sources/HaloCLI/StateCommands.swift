import ArgumentParser
import Foundation
import HaloArtifacts
import HaloJournal
import HaloSentinel

/// `halo submit`: hand an event to a running (or stopped) Sentinel's journal.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Hand events (JSON, one per line) to a Sentinel's journal inbox.",
        discussion: "Exit codes: 0 accepted, 2 refused (malformed, unknown unit or step)."
    )

    @Option(name: .long, help: "The Sentinel's state directory.")
    var state: String

    @Argument(help: "The event file (one JSON object per line), or - for stdin.")
    var event: String

    func run() throws {
        let data: Data
        if event == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let content = FileManager.default.contents(atPath: event) else {
                Output.error("\(event): cannot read the event")
                throw ExitCode(2)
            }
            data = content
        }
        // Validate against the Halo recorded in the journal when there is one, so a bad event
        // is refused here, at the operator's terminal, rather than later in the Sentinel's log.
        // Otherwise still the same JSON, bounds and id rules as a feed line (event-invalid).
        let units = (try? SentinelService.recordedUnits(stateDirectory: state)) ?? nil
        let lines = FeedEvent.lines(of: data).filter { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !lines.isEmpty else {
            Output.error("\(event): no event")
            throw ExitCode(2)
        }
        for (line, number) in lines {
            do {
                if let units { _ = try FeedEvent.parse(line, file: event, line: number, units: units) }
                else { _ = try FeedEvent.parseJSON(line, file: event, line: number) }
            } catch {
                Output.error("refused: \(error)")
                throw ExitCode(2)
            }
        }
        // A state directory without a journal is a typo far more often than a Sentinel that has
        // never run: refuse rather than create a journal nobody will ever drain.
        let journalFile = URL(fileURLWithPath: state).appendingPathComponent(Journal.fileName).path
        guard FileManager.default.fileExists(atPath: journalFile) else {
            Output.error("refused: journal-missing: \(state) holds no Sentinel journal (no \(Journal.fileName)); check the path, or start the Sentinel once with `halo run HALO --state \(state)`")
            throw ExitCode(2)
        }
        do {
            let journal = try Journal(directory: URL(fileURLWithPath: state), configuration: JournalConfiguration(role: .submitter))
            defer { try? journal.close() }
            for (line, _) in lines {
                let id = try journal.submit(payload: line)
                print("accepted inbox:\(id)")
            }
        } catch {
            Output.error("refused: \(error)")
            throw ExitCode(2)
        }
    }
}

/// `halo state`: the current state of every Unit, from the journal.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Print the current state of every Unit from the journal (the shape of dry-run's final, keyed by Unit)."
    )

    @Option(name: .long, help: "The Sentinel's state directory.")
    var state: String

    @Flag(name: .long, help: "Print one JSON document.")
    var json = false

    @Option(name: .long, help: "Only this Unit.")
    var unit: String?

    func run() throws {
        let service: SentinelService
        do {
            service = try SentinelService(haloPath: nil, stateDirectory: state, clock: .sim, role: .reader)
        } catch {
            Output.error("halo state: \(error)")
            throw ExitCode(error.invalidInput ? 2 : 3)
        }
        defer { service.close() }
        if let unit, !service.unitNames.contains(unit) {
            Output.error("halo state: no Unit '\(unit)' (units: \(service.unitNames.joined(separator: ", ")))")
            throw ExitCode(2)
        }
        let names = service.unitNames.filter { unit == nil || $0 == unit }
        if json {
            guard case .object(let pairs) = service.state() else { return }
            print(JSONValue.object(pairs.filter { names.contains($0.0) }).pretty())
            return
        }
        let total = service.journalRecordCount.map { "\($0) journal records, " } ?? ""
        let from = service.recoveredFromSeq > 2 ? " after the snapshot at seq \(service.recoveredFromSeq - 1)" : ""
        print("\(service.halo.name) revision \(service.halo.revision) at \(service.now.iso8601) (\(total)\(service.recovered) replayed\(from) to rebuild this state)")
        for name in names {
            guard let sentinel = service.sentinels[name] else { continue }
            print("")
            for line in sentinel.statusPage() { print(line) }
        }
    }

    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: return text
        case .int(let number)?: return String(number)
        case .some(let other): return other.serialized()
        case nil: return "-"
        }
    }
}

/// `halo journal verify`.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Inspect a Sentinel's journal.",
        subcommands: [Verify.self]
    )

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check the journal's hash chain and replay it checking the ledger invariants.",
            discussion: "Exit codes: 0 ok, 1 broken."
        )

        @Option(name: .long, help: "The Sentinel's state directory.")
        var state: String

        func run() throws {
            let report = SentinelService.verify(stateDirectory: state)
            for line in report.lines { print(line) }
            if !report.ok { throw ExitCode(1) }
        }
    }
}
