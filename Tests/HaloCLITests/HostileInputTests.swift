import Foundation
import Testing

/// Issue 9, kinds 7 and 8, end to end: hostile feed lines and submitted events never trap
/// the process, are refused with `event-invalid` and their line, and exactly-once holds.
@Suite(.serialized) struct HostileInputTests {
    static let halo = "examples/passthrough-alpha/halo.yaml"

    func run(_ arguments: [String], stdin: String? = nil) throws -> HaloProcess.Result {
        try HaloProcess.run(arguments, stdin: stdin)
    }

    func state(_ directory: URL) throws -> String {
        let result = try run(["state", "--state", directory.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    /// Kind 8: ids `wire` NUL `A` and `wire` NUL `B` were both applied, stored as one cut id,
    /// broke `journal verify`, and were applied again on a re-read: money counted twice.
    @Test func idsThatCannotBeStoredExactlyAreRefused() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let feed = directory.appendingPathComponent("nul.jsonl")
        // (The first line is a valid event: a refusal before the first applied event is
        // journaled ahead of the genesis record, which `halo state` cannot read yet; that
        // start-up ordering is the Sentinel service's, reported separately.)
        try #"""
        {"id":"open","unit":"tbill-a","at":"2026-03-02T07:00:00Z","fund":{"account":"carol","asset":"USDS","amount":"1"}}
        {"id":"wire\u0000A","unit":"tbill-a","at":"2026-03-02T08:00:00Z","fund":{"account":"alice","asset":"USDS","amount":"100"}}
        {"id":"wire\u0000B","unit":"tbill-a","at":"2026-03-02T08:00:00Z","fund":{"account":"alice","asset":"USDS","amount":"100"}}
        {"id":"wire-\u00e9","unit":"tbill-a","at":"2026-03-02T08:01:00Z","fund":{"account":"bob","asset":"USDS","amount":"7"}}
        {"id":"wire-e\u0301","unit":"tbill-a","at":"2026-03-02T08:01:00Z","fund":{"account":"bob","asset":"USDS","amount":"7"}}
        """#.write(to: feed, atomically: true, encoding: .utf8)
        let stateDirectory = directory.appendingPathComponent("s")
        let first = try run(["run", Self.halo, "--state", stateDirectory.path, "--feed", feed.path])
        #expect(first.status == 0, "\(first.stderr)")
        for line in 2...3 {
            #expect(first.stderr.contains("nul.jsonl:\(line)"), "\(first.stderr)")
        }
        #expect(first.stderr.contains("event-invalid"), "\(first.stderr)")
        #expect(first.stderr.contains("nul.jsonl:5"), "the NFD spelling of an accepted id is refused: \(first.stderr)")
        #expect(first.stderr.contains("2 applied"), "\(first.stderr)")
        let before = try state(stateDirectory)
        #expect(!before.contains("alice"), "nothing credited under a NUL id: \(before)")
        #expect(before.components(separatedBy: "\"7\"").count == 2, "bob credited once: \(before)")
        #expect(before.contains("carol"), "\(before)")
        let verify = try run(["journal", "verify", "--state", stateDirectory.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        // Re-reading the same feed applies nothing twice.
        let again = try run(["run", Self.halo, "--state", stateDirectory.path, "--feed", feed.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("0 applied"), "\(again.stderr)")
        #expect(try state(stateDirectory) == before)
        #expect(try run(["journal", "verify", "--state", stateDirectory.path]).status == 0)
        // `halo submit` refuses the same id at the terminal.
        let submitted = try run(["submit", "--state", stateDirectory.path, "-"],
                                stdin: #"{"id":"wire\u0000A","unit":"tbill-a","fund":{"account":"alice","asset":"USDS","amount":"1"}}"#)
        #expect(submitted.status == 2, "\(submitted.stderr)")
        #expect(submitted.stderr.contains("event-invalid"), "\(submitted.stderr)")
    }

    /// Kind 7: `\uD800\u0041` killed `halo run` and `halo submit` with an arithmetic-overflow
    /// trap; `\uD800\uE000` was accepted as a character it does not encode.
    @Test func invalidSurrogatesAreRefusedWithTheirLine() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let feed = directory.appendingPathComponent("surrogates.jsonl")
        var bytes = Data(#"""
        {"id":"s1","unit":"tbill-a","at":"2026-03-02T08:00:00Z","report":{"nav":"1","note":"\uD800\u0041"}}
        {"id":"s2","unit":"tbill-a","at":"2026-03-02T08:00:00Z","report":{"nav":"1","note":"\uD800\uE000"}}
        {"id":"s3","unit":"tbill-a","at":"2026-03-02T08:00:00Z","report":{"nav":"1","note":"\uDC00"}}
        {"id":"s4","unit":"tbill-a","at":"2026-03-02T08:00:00Z","report":{"nav":"1","note":"\uD800"}}
        {"id":"ok","unit":"tbill-a","at":"2026-03-02T08:01:00Z","fund":{"account":"carol","asset":"USDS","amount":"5"}}

        """#.utf8)
        // Line 6: bytes that are not UTF-8 (a lone continuation byte) inside a string.
        bytes.append(contentsOf: Array(#"{"id":"s6","unit":"tbill-a","tick":{},"x":""#.utf8) + [0x80] + Array("\"}\n".utf8))
        try bytes.write(to: feed)
        let result = try run(["run", Self.halo, "--state", directory.appendingPathComponent("s").path, "--feed", feed.path])
        #expect(result.status == 0, "never a trap: \(result.stderr)")
        for line in [1, 2, 3, 4, 6] {
            #expect(result.stderr.contains("surrogates.jsonl:\(line)"), "line \(line): \(result.stderr)")
        }
        #expect(result.stderr.contains("event-invalid"), "\(result.stderr)")
        #expect(result.stderr.contains("1 applied"), "the rest of the feed goes on: \(result.stderr)")
        let submitted = try run(["submit", "--state", directory.appendingPathComponent("t").path, "-"],
                                stdin: #"{"unit":"tbill-a","report":{"nav":"\uD800\u0041"}}"#)
        #expect(submitted.status == 2, "\(submitted.stderr)")
        #expect(submitted.stderr.contains("event-invalid") && submitted.stderr.contains(":1"), "\(submitted.stderr)")
    }

    /// Kind 7: a line over the 1 MiB bound is refused with its line; the feed goes on.
    @Test func oversizedLinesAreRefused() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let feed = directory.appendingPathComponent("big.jsonl")
        let padding = String(repeating: "x", count: 1 << 20)
        try """
        {"id":"big","unit":"tbill-a","at":"2026-03-02T08:00:00Z","report":{"nav":"1","pad":"\(padding)"}}
        {"id":"deep","unit":"tbill-a","at":"2026-03-02T08:00:00Z","report":{"nav":"1","x":\(String(repeating: "[", count: 100))\(String(repeating: "]", count: 100))}}
        {"id":"ok","unit":"tbill-a","at":"2026-03-02T08:01:00Z","fund":{"account":"carol","asset":"USDS","amount":"5"}}
        """.write(to: feed, atomically: true, encoding: .utf8)
        let result = try run(["run", Self.halo, "--state", directory.appendingPathComponent("s").path, "--feed", feed.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("big.jsonl:1") && result.stderr.contains("big.jsonl:2"), "\(result.stderr)")
        #expect(result.stderr.contains("1 applied"), "\(result.stderr)")
    }
}
