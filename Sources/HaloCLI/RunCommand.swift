import ArgumentParser
import Dispatch
import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal
import HaloReplay
import HaloSentinel

/// Set by SIGINT/SIGTERM; the loop stops after the current event.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var sources: [DispatchSourceSignal] = []

    var isSet: Bool { lock.withLock { stopped } }
    func set() { lock.withLock { stopped = true } }

    /// Routes SIGINT and SIGTERM to this flag.
    func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in self?.set() }
            source.resume()
            sources.append(source)
        }
    }
}

/// Reads standard input on a thread of its own, so the loop can also watch the clock and inbox.
final class LineReader: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    private var ended = false

    func start() {
        Thread.detachNewThread { [self] in
            while let line = readLine(strippingNewline: true) { lock.withLock { lines.append(line) } }
            lock.withLock { ended = true }
        }
    }

    /// Lines read so far, and whether input has ended.
    func take() -> (lines: [String], ended: Bool) {
        lock.withLock {
            defer { lines = [] }
            return (lines, ended)
        }
    }
}

/// `halo run`: the Sentinel itself.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every Unit of a Halo: apply events, fire the daily cycle, journal every decision durably.",
        discussion: """
        Events are JSON lines (a fixture step plus "unit", optional "id" and "at"), from --feed FILE or - (stdin),
        and from `halo submit` while it runs. Decision log: JSON lines on stdout; human log on stderr.
        With --clock sim and a feed file, the run stops when the feed is done (unless --watch); with
        --clock real it runs until SIGINT/SIGTERM, which stop it cleanly after the current event.
        Exit codes: 0 clean stop, 2 invalid, 3 fatal.
        """
    )

    @Argument(help: "The Halo Artifact (halo.yaml).")
    var halo: String

    @Option(name: .long, help: "State directory (journal.sqlite lives here).")
    var state: String = "state"

    @Option(name: .long, help: "Event feed: a JSON-lines file, or - for stdin.")
    var feed: String?

    @Option(name: .long, help: "sim: follow the events' timestamps; real: the UTC clock.")
    var clock: String = "sim"

    @Flag(name: .long, help: "Watch policy files and hot-reload them (polling).")
    var watch = false

    @Option(name: .long, help: "With --watch: an edit of the Halo Artifact is proposed as an Artifact Edit by this aBEAM holder.")
    var actor: String?

    @Flag(name: .long, help: "With --watch: a changed policy must pass its Unit's fixtures before it is swapped in.")
    var testOnReload = false

    @Option(name: .long, help: ArgumentHelp("With --watch: replay the last DAYS of the journal with a changed policy before swapping it in; a candidate that fails there is refused.", valueName: "DAYS"))
    var replayOnReload: Int?

    @Option(name: .long, help: "How often the loop polls the clock, inbox and watched files.")
    var poll: String = "500ms"

    @Option(name: .long, help: "SQLite synchronous mode: full (durable at every commit) or normal.")
    var synchronous: String = "full"

    @Option(name: .long, help: "Write a journal snapshot every N records (0: never); recovery replays only the tail.")
    var snapshotEvery: Int64 = 100_000

    @Flag(name: .long, help: "Print the final state of every Unit (JSON) on stderr when stopping.")
    var printState = false

    @Option(name: .long, help: "Serve the HTTP API, /metrics and the dashboard at HOST:PORT (127.0.0.1 unless a host is given; port 0 picks one).")
    var http: String?

    @Option(name: .long, help: "With --http: a file holding the Bearer token POST /v1/events requires (without it, POST is refused).")
    var httpTokenFile: String?

    func run() throws {
        guard let clockMode = ServiceClock(rawValue: clock) else {
            Output.error("--clock is sim or real, not '\(clock)'")
            throw ExitCode(2)
        }
        let pollSpan: TimeSpan
        do { pollSpan = try TimeSpan(parsing: poll) } catch {
            Output.error("--poll: '\(poll)' is not a duration")
            throw ExitCode(2)
        }
        if let replayOnReload, !watch || replayOnReload < 1 {
            Output.error(watch ? "--replay-on-reload: DAYS is a whole number of days, at least 1" : "--replay-on-reload needs --watch")
            throw ExitCode(2)
        }
        let sync: JournalSynchronous = synchronous == "normal" ? .normal : .full
        let feedLines: [(text: String, line: Int)]?
        var feedName = "stdin"
        if let feed, feed != "-" {
            guard let handle = FileHandle(forReadingAtPath: feed), let data = try? handle.readToEnd() ?? Data() else {
                Output.error("\(feed): cannot read the feed")
                throw ExitCode(2)
            }
            feedName = (feed as NSString).lastPathComponent
            // Split on bytes: Character-level splitting of a large feed costs more than parsing it.
            // Strict UTF-8: a line that is not is refused with its number, never repaired.
            feedLines = FeedEvent.lines(of: data)
        } else {
            feedLines = nil
        }

        let httpRuntime = try http.map { try HTTPRuntime.start(address: $0, tokenFile: httpTokenFile, stateDirectory: state) }
        defer { httpRuntime?.server.stop() }
        let service: SentinelService
        do {
            service = try SentinelService(haloPath: halo, stateDirectory: state, clock: clockMode,
                                          synchronous: sync)
        } catch {
            Output.error("halo run: \(error)")
            throw ExitCode(error.invalidInput ? 2 : 3)
        }
        defer { service.close() }
        service.snapshotEvery = max(0, snapshotEvery)
        service.onDecision = { Output.line($0.serialized()) }
        service.onLog = { Output.error("halo: " + $0) }
        httpRuntime?.attach(service, stateDirectory: state)
        if service.recovered > 0 || service.recoveredFromSeq > 2 {
            let from = service.recoveredFromSeq > 2 ? " after the snapshot at record \(service.recoveredFromSeq - 1)" : ""
            Output.error("halo: recovered \(service.unitNames.joined(separator: ", ")): replayed \(service.recovered) journal records\(from)")
        }

        let stop = StopFlag()
        stop.install()
        var watcher = PolicyWatcher()
        _ = watcher.changed(service.policyFiles.map(\.file))
        var haloWatcher = PolicyWatcher()
        _ = haloWatcher.changed([service.haloArtifactFile])
        do {
            if let feedLines {
                var index = 0
                while index < feedLines.count, !stop.isSet {
                    let batch = Array(feedLines[index..<min(index + 512, feedLines.count)])
                    index += batch.count
                    try service.process(lines: batch, file: feedName)
                    if clockMode == .real { try service.advance(to: Self.realNow()) }
                }
            }
            let reader: LineReader? = feed == "-" ? LineReader() : nil
            reader?.start()
            var stdinLine = 0
            let keepRunning = clockMode == .real || watch || reader != nil || httpRuntime != nil
            while keepRunning, !stop.isSet {
                if let reader {
                    let (lines, ended) = reader.take()
                    if !lines.isEmpty {
                        let numbered = lines.map { line -> (text: String, line: Int) in stdinLine += 1; return (line, stdinLine) }
                        try service.process(lines: numbered, file: "stdin")
                    }
                    if ended && clockMode == .sim && !watch { break }
                }
                try service.drainInbox()
                if clockMode == .real { try service.advance(to: Self.realNow()) }
                if watch {
                    let changed = Set(watcher.changed(service.policyFiles.map(\.file)))
                    for (unit, file) in service.policyFiles where changed.contains(file) {
                        let gate = replayOnReload.map { ReplayGate(stateDirectory: state, haloPath: halo, days: $0).preflight(now: service.now) }
                        _ = try service.reloadPolicy(unit: unit, file: file, runTests: testOnReload, preflight: gate)
                    }
                    if !haloWatcher.changed([service.haloArtifactFile]).isEmpty { service.proposeWatchedEdit(actor: actor) }
                }
                Thread.sleep(forTimeInterval: Double(pollSpan.milliseconds) / 1000)
            }
            try service.drainInbox()
            try service.flush()
        } catch {
            Output.error("halo run: fatal: \(error)")
            throw ExitCode(3)
        }
        Output.error("halo: stopped: \(service.eventsApplied) applied, \(service.eventsRejected) refused, \(service.eventsSkipped) already journaled")
        if printState { Output.error(service.state().pretty()) }
    }

    static func realNow() -> Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }
}
