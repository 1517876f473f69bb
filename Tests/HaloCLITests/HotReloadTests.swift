import Foundation
import Testing

/// Collects a pipe's output as it arrives.
final class PipeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    init(_ pipe: Pipe) {
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self, !chunk.isEmpty else { return }
            self.lock.withLock { self.data.append(chunk) }
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    /// Waits (polling, at most `seconds`) until the text contains `needle` `count` times.
    func wait(for needle: String, count: Int = 1, seconds: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if text.components(separatedBy: needle).count - 1 >= count { return true }
            usleep(20_000)
        }
        return false
    }
}

/// A running `halo run --watch` fed through stdin; policy files edited under it.
@Suite(.serialized) struct HotReloadTests {
    func copyExample(to root: URL) throws {
        let manager = FileManager.default
        for item in ["examples", "policies", "stdlib"] {
            try manager.copyItem(at: HaloProcess.repository.appendingPathComponent(item), to: root.appendingPathComponent(item))
        }
    }

    func report(_ at: String, nav: String = "1.0001") -> String {
        #"{"unit":"tbill-a","at":"\#(at)","report":{"nav":"\#(nav)","holdings":"1000","capacity":"5000000","liquidity":"5000000","price":"\#(nav)"}}"#
    }

    @Test func goodEditSwapsBrokenEditIsRefusedWindowEditWaits() throws {
        let root = try HaloProcess.temporaryDirectory()
        try copyExample(to: root)
        let policy = root.appendingPathComponent("policies/tbill.lua")
        let original = try String(contentsOf: policy, encoding: .utf8)

        let process = Process()
        process.executableURL = HaloProcess.executable
        process.arguments = ["run", "examples/passthrough-alpha/halo.yaml", "--state", "state", "--feed", "-", "--watch", "--poll", "50ms"]
        process.currentDirectoryURL = root
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let stdout = PipeCollector(output), stderr = PipeCollector(errors)
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        func send(_ line: String) { input.fileHandleForWriting.write(Data((line + "\n").utf8)) }

        send(#"{"unit":"tbill-a","at":"2026-03-02T08:00:00Z","fund":{"account":"alice","asset":"USDS","amount":"1000000"}}"#)
        send(report("2026-03-02T09:00:00Z"))
        #expect(stdout.wait(for: "\"hook\":\"signals\""), "\(stderr.text)")

        // A good edit is compiled, checked and swapped.
        try (original + "\n-- edited: a comment changes the hash\n").write(to: policy, atomically: true, encoding: .utf8)
        #expect(stderr.wait(for: "reload tbill-a"), "\(stderr.text)")
        #expect(stderr.text.contains("swapped"), "\(stderr.text)")

        // A broken edit is refused; the previous policy keeps deciding.
        try "local P = {\nfunction P.settle(ctx)\n".write(to: policy, atomically: true, encoding: .utf8)
        #expect(stderr.wait(for: "reload refused, the previous policy keeps running"), "\(stderr.text)")
        #expect(stderr.text.components(separatedBy: "keeps running").count == 2, "said once: \(stderr.text)")
        send(#"{"unit":"tbill-a","at":"2026-03-02T10:00:00Z","subscribe":{"account":"alice","amount":"1000"}}"#)
        send(#"{"unit":"tbill-a","at":"2026-03-02T17:00:00Z","tick":{}}"#)
        #expect(stdout.wait(for: "\"hook\":\"settle\""), "\(stdout.text)")
        let settleLines = stdout.text.split(separator: "\n").filter { $0.contains("\"hook\":\"settle\"") && $0.contains("tbill-a") }
        #expect(settleLines.allSatisfy { $0.contains("\"error\":null") }, "\(settleLines)")

        // Inside the processing window (13:00-16:00) a good edit waits for settlement.
        send(#"{"unit":"tbill-a","at":"2026-03-03T14:00:00Z","tick":{}}"#)
        // Wait for this tick's own decision: the 17:00 tick already wrote three settle lines
        // (one per Unit), so counting settle lines would race the edit below.
        #expect(stdout.wait(for: "\"time\":\"2026-03-03T13:00:00Z\",\"hook\":\"settle\""), "\(stdout.text)")
        try (original + "\n-- edited during the window\n").write(to: policy, atomically: true, encoding: .utf8)
        #expect(stderr.wait(for: "deferred until after settlement"), "\(stderr.text)")
        send(#"{"unit":"tbill-a","at":"2026-03-03T16:30:00Z","tick":{}}"#)
        #expect(stdout.wait(for: "\"status\":\"swapped\",\"file\":\"policies/tbill.lua\"", count: 2), "\(stdout.text)")

        // SIGTERM stops the Sentinel cleanly after the current event.
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr.text)")
        #expect(stderr.text.contains("stopped"))
    }
}
