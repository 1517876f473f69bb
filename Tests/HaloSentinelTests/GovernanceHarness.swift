import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal
@testable import HaloSentinel

/// The shipped example Halo run in-process by a SentinelService, plus edited copies of its
/// artifacts written to a temporary directory (absolute paths, so they resolve from anywhere).
struct GovernanceHarness {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let example = repository.appendingPathComponent("examples/passthrough-alpha").path
    static let haloPath = example + "/halo.yaml"
    static let feedPath = example + "/feeds/three-weeks.jsonl"

    let root: String
    var state: String { root + "/state" }

    init() throws {
        root = NSTemporaryDirectory() + "halo-governance-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func service() throws -> SentinelService {
        try SentinelService(haloPath: Self.haloPath, stateDirectory: state, clock: .sim, synchronous: .normal)
    }

    static func time(_ text: String) -> Timestamp { try! Timestamp(iso8601: text) }

    /// The example Halo Artifact's text with absolute paths; `edit` rewrites it.
    func haloText(revision: Int, units extra: [String] = [], edit: (String) -> String = { $0 }) -> String {
        var text = try! String(contentsOfFile: Self.haloPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "revision: 1 ", with: "revision: \(revision) ")
        for unit in ["tbill", "mmf", "clo-aaa"] {
            text = text.replacingOccurrences(of: "  - units/\(unit)/unit.yaml", with: "  - \(Self.example)/units/\(unit)/unit.yaml")
        }
        text = text.replacingOccurrences(of: "lcts-unit: templates/", with: "lcts-unit: \(Self.example)/templates/")
        text = text.replacingOccurrences(of: "migration: ../../policies/", with: "migration: \(Self.repository.path)/policies/")
        for path in extra {
            text = text.replacingOccurrences(of: "  - \(Self.example)/units/clo-aaa/unit.yaml\n", with: "  - \(Self.example)/units/clo-aaa/unit.yaml\n  - \(path)\n")
        }
        return edit(text)
    }

    /// A Unit Artifact copied from the example's `unit` folder with absolute paths; `edit` rewrites it.
    func unitText(_ unit: String, edit: (String) -> String = { $0 }) -> String {
        var text = try! String(contentsOfFile: Self.example + "/units/\(unit)/unit.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "../../../../policies/", with: Self.repository.path + "/policies/")
        text = text.replacingOccurrences(of: "../../templates/", with: Self.example + "/templates/")
        return edit(text)
    }

    @discardableResult
    func write(_ text: String, _ name: String) throws -> String {
        let path = root + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Proposes `file` through the inbox as `actor` and lets the service take it.
    func propose(_ file: String, actor: String, on service: SentinelService) throws {
        _ = try service.journal.submit(payload: SentinelService.proposalPayload(file: file, actor: actor))
        try service.drainInbox()
    }

    /// A feed line.
    static func event(_ id: String, _ unit: String, _ at: String, _ body: String, actor: String? = nil) -> (text: String, line: Int) {
        let actorField = actor.map { #","actor":"\#($0)""# } ?? ""
        // A distinct line per id: a line that does not parse is known by file:line.
        let line = id.utf8.reduce(1) { ($0 &* 31 &+ Int($1)) & 0xFF_FFFF }
        return (#"{"id":"\#(id)","unit":"\#(unit)","at":"\#(at)"\#(actorField),\#(body)}"#, line)
    }

    /// The journal records of `kind`.
    static func records(_ service: SentinelService, kind: String) throws -> [JournalRecord] {
        var cursor = service.journal.records(from: 1)
        var result: [JournalRecord] = []
        while let record = try cursor.next() { if record.kind.rawValue == kind { result.append(record) } }
        return result
    }
}
