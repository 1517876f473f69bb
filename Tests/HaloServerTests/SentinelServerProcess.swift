import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `halo run --http 127.0.0.1:0` process for tests: started on an ephemeral loopback port,
/// its bound address read from stderr, stopped with SIGTERM.
final class SentinelServerProcess: @unchecked Sendable {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let example = "examples/passthrough-alpha"
    static let token = "test-token-3f9a"

    /// The `halo` binary beside the test bundle (`.build/<config>/halo`).
    static let executable: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("halo")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/halo")
    }()

    let process = Process()
    let stateDirectory: URL
    private(set) var base = ""
    private let lock = NSLock()
    private var stderrText = ""
    private var stdoutText = ""

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Starts the Sentinel on the shipped example with `feed` (a file in the example's feeds, or nil).
    init(feed: String? = "three-weeks.jsonl", extra: [String] = []) throws {
        stateDirectory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("halo-http-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        let tokenFile = stateDirectory.appendingPathComponent("token")
        try Data((Self.token + "\n").utf8).write(to: tokenFile)
        var arguments = ["run", "\(Self.example)/halo.yaml", "--state", stateDirectory.appendingPathComponent("state").path,
                         "--http", "127.0.0.1:0", "--http-token-file", tokenFile.path, "--poll", "20ms"]
        if let feed { arguments += ["--feed", "\(Self.example)/feeds/\(feed)"] }
        process.executableURL = Self.executable
        process.arguments = arguments + extra
        process.currentDirectoryURL = Self.repository
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let found = DispatchSemaphore(value: 0)
        let address = AddressBox()
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            let text = self.lock.withLock { self.stderrText += String(decoding: data, as: UTF8.self); return self.stderrText }
            if let range = text.range(of: "http listening on http://") {
                let rest = text[range.upperBound...]
                if let end = rest.firstIndex(of: "\n"), address.set(String(rest[..<end])) { found.signal() }
            }
        }
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.stdoutText += String(decoding: data, as: UTF8.self) }
        }
        process.terminationHandler = { _ in found.signal() }
        try process.run()
        guard found.wait(timeout: .now() + 60) == .success, let bound = address.value else {
            process.terminate()
            throw Failure(description: "no bound address on stderr")
        }
        base = "http://\(bound)"
    }

    var stderr: String { lock.withLock { stderrText } }
    var stdout: String { lock.withLock { stdoutText } }

    /// Stops with SIGTERM and waits; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    // MARK: HTTP

    struct Reply {
        var status: Int
        var body: String
        var headers: [String: String]
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
    }

    func request(_ path: String, method: String = "GET", body: Data? = nil, headers: [String: String] = [:]) throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 30
        for (key, value) in headers { request.setValue(value, forHTTPHeaderField: key) }
        let box = ReplyBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            let http = response as? HTTPURLResponse
            var fields: [String: String] = [:]
            for (key, value) in http?.allHeaderFields ?? [:] { fields[String(describing: key).lowercased()] = String(describing: value) }
            box.value = error.map { .failure($0) } ?? .success(Reply(status: http?.statusCode ?? 0, body: String(decoding: data ?? Data(), as: UTF8.self), headers: fields))
            done.signal()
        }.resume()
        done.wait()
        return try box.value!.get()
    }

    func post(_ body: String, token: String? = SentinelServerProcess.token) throws -> Reply {
        var headers = ["Content-Type": "application/x-ndjson"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return try request("/v1/events", method: "POST", body: Data(body.utf8), headers: headers)
    }

    /// Polls `/v1/status` until `condition` holds (bounded: the Sentinel is another process).
    @discardableResult
    func waitForStatus(_ what: String, attempts: Int = 600, _ condition: ([String: Any]) -> Bool) throws -> [String: Any] {
        for _ in 0..<attempts {
            let status = try request("/v1/status").object
            if condition(status) { return status }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "timed out waiting for \(what)\n\(stderr)")
    }

    /// Events the Sentinel has taken so far (applied + refused + already journaled).
    static func taken(_ status: [String: Any]) -> Int {
        ["events_applied", "events_refused", "events_already_journaled"].reduce(0) { $0 + (status[$1] as? Int ?? 0) }
    }
}

final class AddressBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?
    var value: String? { lock.withLock { stored } }
    func set(_ text: String) -> Bool { lock.withLock { guard stored == nil else { return false }; stored = text; return true } }
}

final class ReplyBox: @unchecked Sendable {
    var value: Result<SentinelServerProcess.Reply, Error>?
}
