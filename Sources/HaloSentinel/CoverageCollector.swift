import Foundation

/// The lines of policy files run while coverage is on (`halo test --coverage`), merged over
/// every sandbox the process creates. Off by default: with it off nothing is recorded and
/// sandboxes run without a line hook.
public final class CoverageCollector: @unchecked Sendable {
    /// The process's collector.
    public static let shared = CoverageCollector()

    private let lock = NSLock()
    private var on = false
    private var lines: [String: Set<Int>] = [:]

    /// True while recording.
    public var isOn: Bool { lock.withLock { on } }

    /// Starts recording (sandboxes created from now on get a line hook).
    public func start() { lock.withLock { on = true } }

    /// Stops recording and forgets what was recorded.
    public func stop() { lock.withLock { on = false; lines = [:] } }

    /// Merges what one sandbox ran. Chunk names of modules (`common/halts.lua`) are resolved
    /// against the folder of the policy that required them, so each file has one key: its
    /// path as the policy's chunk name shows it (relative to the working directory).
    func absorb(_ covered: [String: Set<Int>], policy: String) {
        let folder = (PolicyHost.chunkName(policy) as NSString).deletingLastPathComponent
        lock.withLock {
            for (chunk, hit) in covered {
                var name = chunk
                if !FileManager.default.fileExists(atPath: name) {
                    let beside = folder.isEmpty ? chunk : folder + "/" + chunk
                    if FileManager.default.fileExists(atPath: beside) { name = beside }
                }
                lines[name, default: []].formUnion(hit)
            }
        }
    }

    /// Every file's lines run so far.
    public func snapshot() -> [String: Set<Int>] { lock.withLock { lines } }
}
