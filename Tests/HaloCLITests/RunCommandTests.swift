import Foundation
import Testing

/// `halo run` as an operator uses it: a real process, a real journal, real kills.
@Suite(.serialized) struct RunCommandTests {
    static let halo = "examples/passthrough-alpha/halo.yaml"
    static let feed = "examples/passthrough-alpha/feeds/three-weeks.jsonl"

    func run(_ arguments: [String]) throws -> HaloProcess.Result { try HaloProcess.run(arguments) }

    func state(_ directory: URL) throws -> String {
        let result = try run(["state", "--state", directory.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test func feedRunIsRecoverableAndIdempotent() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let first = try run(["run", Self.halo, "--state", directory.path, "--feed", Self.feed])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.split(separator: "\n").count > 50, "the decision log has a line per decision")
        let before = try state(directory)
        // Re-reading the same feed applies nothing twice.
        let again = try run(["run", Self.halo, "--state", directory.path, "--feed", Self.feed])
        #expect(again.status == 0)
        #expect(again.stderr.contains("0 applied"), "\(again.stderr)")
        #expect(try state(directory) == before)
        let verify = try run(["journal", "verify", "--state", directory.path])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    /// A long feed: 40 Primes subscribing into two Units every business day for five weeks,
    /// claiming the next morning, with the managers' daily reports (about 4,200 events).
    static func longFeed() throws -> URL {
        var lines: [String] = []
        let primes = (0..<40).map { "prime\($0)" }
        func at(_ day: Int, _ hour: Int, _ minute: Int) -> String {
            let seconds = 1_772_409_600 + day * 86_400 + hour * 3600 + minute * 60  // from 2026-03-02T00:00:00Z
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            return ISO8601DateFormatter().string(from: date)
        }
        for unit in ["tbill-a", "mmf-a"] {
            for prime in primes {
                lines.append(#"{"id":"fund-\#(unit)-\#(prime)","unit":"\#(unit)","at":"\#(at(0, 7, 0))","fund":{"account":"\#(prime)","asset":"USDS","amount":"10000000"}}"#)
            }
        }
        for day in 0..<35 where day % 7 < 5 {
            for unit in ["tbill-a", "mmf-a"] {
                let nav = "1.000\(String(format: "%02d", day))"
                let extra = unit == "tbill-a" ? #""price":"\#(nav)""# : #""fund_nav":"1","gated":false"#
                lines.append(#"{"id":"report-\#(unit)-\#(day)","unit":"\#(unit)","at":"\#(at(day, 9, 0))","report":{"nav":"\#(nav)","holdings":"1000000","capacity":"9000000","liquidity":"9000000",\#(extra)}}"#)
                for (index, prime) in primes.enumerated() {
                    lines.append(#"{"id":"sub-\#(unit)-\#(prime)-\#(day)","unit":"\#(unit)","at":"\#(at(day, 10, index))","subscribe":{"account":"\#(prime)","amount":"100000"}}"#)
                    if day > 0 {
                        lines.append(#"{"id":"claim-\#(unit)-\#(prime)-\#(day)","unit":"\#(unit)","at":"\#(at(day, 11, index))","claim":{"account":"\#(prime)","queue":"subscribe"}}"#)
                    }
                }
            }
        }
        lines.sort { ($0.components(separatedBy: "\"at\":\"")[1].prefix(20), $0) < ($1.components(separatedBy: "\"at\":\"")[1].prefix(20), $1) }
        let url = try HaloProcess.temporaryDirectory().appendingPathComponent("long.jsonl")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func killNineAtRandomPointsLosesNothingAndDoublesNothing() throws {
        let feed = try Self.longFeed().path
        let reference = try HaloProcess.temporaryDirectory()
        let started = Date()
        #expect(try run(["run", Self.halo, "--state", reference.path, "--feed", feed]).status == 0)
        let fullRun = Date().timeIntervalSince(started)
        let expected = try state(reference)

        let crashed = try HaloProcess.temporaryDirectory()
        var generator = SplitMix(seed: 0x5EED)
        var kills = 0
        // Bounded attempts; on a loaded machine more runs finish before their kill point, so
        // there is room for more attempts than kills.
        for _ in 0..<200 where kills < 25 {
            let process = Process()
            process.executableURL = HaloProcess.executable
            // Frequent snapshots, so restarts recover from a snapshot plus the tail as well.
            process.arguments = ["run", Self.halo, "--state", crashed.path, "--feed", feed, "--snapshot-every", "700"]
            process.currentDirectoryURL = HaloProcess.repository
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Kill at a random point of a full run's duration; a run that finished is restarted anyway.
            // (Within 70 % of a full run's time, so a kill also lands in a run that only
            // recovers and skips, once the feed is all journaled.)
            usleep(UInt32(generator.next() % UInt64(max(fullRun * 0.7, 0.15) * 1_000_000)))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        let final = try run(["run", Self.halo, "--state", crashed.path, "--feed", feed])
        #expect(final.status == 0, "\(final.stderr)")
        #expect(try state(crashed) == expected)
        #expect(try run(["journal", "verify", "--state", crashed.path]).status == 0)
        #expect(kills >= 20, "the run was killed \(kills) times")
    }

    @Test func submittedEventsAreAppliedExactlyOnce() throws {
        let directory = try HaloProcess.temporaryDirectory()
        #expect(try run(["run", Self.halo, "--state", directory.path, "--feed", Self.feed]).status == 0)
        let event = directory.appendingPathComponent("event.json")
        try #"{"id":"late-fund","unit":"tbill-a","at":"2026-03-23T08:00:00Z","fund":{"account":"newprime","asset":"USDS","amount":"42"}}"#
            .write(to: event, atomically: true, encoding: .utf8)
        // A mistyped state directory is refused, and no journal is created there.
        let typo = directory.appendingPathComponent("stat").path
        let misdirected = try run(["submit", "--state", typo, event.path])
        #expect(misdirected.status == 2 && misdirected.stderr.contains("journal-missing"), "\(misdirected.stderr)")
        #expect(!FileManager.default.fileExists(atPath: typo + "/journal.sqlite"))
        let submitted = try run(["submit", "--state", directory.path, event.path])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(submitted.stdout.hasPrefix("accepted inbox:"))
        // The same id submitted twice lands once.
        #expect(try run(["submit", "--state", directory.path, event.path]).status == 0)
        // A malformed event is refused at the operator's terminal.
        let bad = directory.appendingPathComponent("bad.json")
        try #"{"unit":"tbill-a","subscribe":{"account":"x","amount":"1.5e3"}}"#.write(to: bad, atomically: true, encoding: .utf8)
        let refused = try run(["submit", "--state", directory.path, bad.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("fixture-invalid"), "\(refused.stderr)")
        // The Sentinel drains the inbox when it next runs.
        let drained = try run(["run", Self.halo, "--state", directory.path])
        #expect(drained.status == 0, "\(drained.stderr)")
        let snapshot = try state(directory)
        #expect(snapshot.contains("newprime"))
        #expect(snapshot.components(separatedBy: "\"42\"").count == 2, "applied once: \(snapshot)")
    }

    @Test func badEventsAreRefusedAndTheSentinelKeepsRunning() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let feed = directory.appendingPathComponent("bad.jsonl")
        try """
        {"unit":"tbill-a","at":"2026-03-02T08:00:00Z","fund":{"account":"alice","asset":"USDS","amount":"100"}}
        {"unit":"tbill-a","at":"2026-03-02T08:01:00Z","subscribe":{"account":"alice","amount":"1.0000000000000000001"}}
        this is not json
        {"unit":"nope","at":"2026-03-02T08:02:00Z","tick":{}}
        {"unit":"tbill-a","at":"2026-03-02T08:03:00Z","subscribe":{"account":"mallory","amount":"5"}}
        {"unit":"tbill-a","at":"2026-03-02T08:04:00Z","subscribe":{"account":"alice","amount":"60"}}
        """.write(to: feed, atomically: true, encoding: .utf8)
        let result = try run(["run", Self.halo, "--state", directory.appendingPathComponent("s").path, "--feed", feed.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("bad.jsonl:2"))
        #expect(result.stderr.contains("bad.jsonl:3"))
        #expect(result.stderr.contains("unknown unit 'nope'"))
        #expect(result.stderr.contains("insufficient-balance"), "mallory has nothing: \(result.stderr)")
        #expect(result.stderr.contains("1 applied") || result.stderr.contains("2 applied"), "\(result.stderr)")
        let snapshot = try state(directory.appendingPathComponent("s"))
        #expect(snapshot.contains("\"total_underlying\" : \"60\"") || snapshot.contains("\"total_underlying\": \"60\""), "\(snapshot)")
    }
}

/// A tiny deterministic generator for kill points.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
