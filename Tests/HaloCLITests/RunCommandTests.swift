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

    @Test func killNineAtRandomPointsLosesNothingAndDoublesNothing() throws {
        let reference = try HaloProcess.temporaryDirectory()
        #expect(try run(["run", Self.halo, "--state", reference.path, "--feed", Self.feed]).status == 0)
        let expected = try state(reference)

        let crashed = try HaloProcess.temporaryDirectory()
        var generator = SplitMix(seed: 0x5EED)
        var kills = 0
        for _ in 0..<40 where kills < 20 {
            let process = Process()
            process.executableURL = HaloProcess.executable
            process.arguments = ["run", Self.halo, "--state", crashed.path, "--feed", Self.feed]
            process.currentDirectoryURL = HaloProcess.repository
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Kill after a random delay (0-400 ms); a run that already finished is restarted anyway.
            usleep(UInt32(generator.next() % 400_000))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        let final = try run(["run", Self.halo, "--state", crashed.path, "--feed", Self.feed])
        #expect(final.status == 0, "\(final.stderr)")
        #expect(try state(crashed) == expected)
        #expect(try run(["journal", "verify", "--state", crashed.path]).status == 0)
        #expect(kills >= 10, "the run was killed \(kills) times")
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
