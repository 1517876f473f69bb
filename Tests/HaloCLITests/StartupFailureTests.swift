import Foundation
import Testing

/// A Sentinel that cannot start says so once, creates nothing and reads nothing.
@Suite(.serialized) struct StartupFailureTests {
    /// The example Halo, copied, with the tbill Unit's policy pinned to a wrong hash.
    func badPinExample() throws -> URL {
        let root = try HaloProcess.temporaryDirectory()
        for item in ["examples", "policies", "stdlib"] {
            try FileManager.default.copyItem(at: HaloProcess.repository.appendingPathComponent(item), to: root.appendingPathComponent(item))
        }
        let unit = root.appendingPathComponent("examples/passthrough-alpha/units/tbill/unit.yaml")
        let text = try String(contentsOf: unit, encoding: .utf8)
        let line = "policy: { file: ../../../../policies/tbill.lua }"
        #expect(text.contains(line))
        try text.replacingOccurrences(of: line, with: #"policy: { file: ../../../../policies/tbill.lua, sha256: "\#(String(repeating: "a", count: 64))" }"#)
            .write(to: unit, atomically: true, encoding: .utf8)
        return root
    }

    @Test func runWithABadPinExitsTwoBeforeReadingStdinOrCreatingTheJournal() throws {
        let root = try badPinExample()
        let process = Process()
        process.executableURL = HaloProcess.executable
        process.arguments = ["run", "examples/passthrough-alpha/halo.yaml", "--state", "state", "--feed", "-", "--watch", "--poll", "50ms"]
        process.currentDirectoryURL = root
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let stderr = PipeCollector(errors)
        try process.run()
        // stdin stays open, as with an operator's pipe: the run must not wait on it. (Nothing is
        // written: a write after the process exited would raise SIGPIPE here.)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate(); process.waitUntilExit(); Issue.record("still running: \(stderr.text)"); return }
        #expect(process.terminationStatus == 2, "\(stderr.text)")
        let lines = stderr.text.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("integrity-mismatch"), "\(stderr.text)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("state").path))
    }

    @Test func runWithABadPinFromAFeedFileExitsTwo() throws {
        let root = try badPinExample()
        let result = try HaloProcess.run(["run", "examples/passthrough-alpha/halo.yaml", "--state", "state",
                                          "--feed", "examples/passthrough-alpha/feeds/three-weeks.jsonl"], directory: root)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(!result.stderr.contains("cannot start"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("state").path))
    }

    @Test func dryRunWithABadPinIsInvalidInput() throws {
        let root = try badPinExample()
        let fixtures = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("examples/passthrough-alpha/units/tbill/tests").path)
        let fixture = try #require(fixtures.sorted().first { $0.hasSuffix(".yaml") })
        let result = try HaloProcess.run(["dry-run", "examples/passthrough-alpha/units/tbill/tests/" + fixture], directory: root)
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("integrity-mismatch"), "\(result.stderr)")
    }
}
