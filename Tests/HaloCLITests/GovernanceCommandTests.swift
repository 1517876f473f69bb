import Foundation
import Testing

/// `halo artifact` and `halo statement` as an operator and an auditor use them: real
/// processes, a real journal, real kills.
@Suite(.serialized) struct GovernanceCommandTests {
    static let halo = "examples/passthrough-alpha/halo.yaml"
    static let feed = "examples/passthrough-alpha/feeds/three-weeks.jsonl"

    func run(_ arguments: [String]) throws -> HaloProcess.Result { try HaloProcess.run(arguments) }

    /// The example Halo at `revision`, with absolute paths and one more aBEAM holder (an addition).
    static func editedHalo(revision: Int, in directory: URL) throws -> String {
        let example = HaloProcess.repository.appendingPathComponent("examples/passthrough-alpha").path
        var text = try String(contentsOfFile: example + "/halo.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "revision: 1 ", with: "revision: \(revision) ")
            .replacingOccurrences(of: "  - units/", with: "  - \(example)/units/")
            .replacingOccurrences(of: "lcts-unit: templates/", with: "lcts-unit: \(example)/templates/")
            .replacingOccurrences(of: "migration: ../../policies/", with: "migration: \(HaloProcess.repository.path)/policies/")
            .replacingOccurrences(of: "abeam: [sky-governance]", with: "abeam: [sky-governance, sky-governance-deputy]")
        let path = directory.appendingPathComponent("halo-r\(revision).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The shipped feed split at `time`: events before it, and the rest.
    static func splitFeed(at time: String, in directory: URL) throws -> (String, String) {
        let lines = try String(contentsOfFile: HaloProcess.repository.appendingPathComponent(feed).path, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let early = lines.filter { $0.components(separatedBy: "\"at\":\"")[1].prefix(20) < time }
        let late = lines.filter { $0.components(separatedBy: "\"at\":\"")[1].prefix(20) >= time }
        let first = directory.appendingPathComponent("early.jsonl"), second = directory.appendingPathComponent("late.jsonl")
        try early.joined(separator: "\n").write(to: first, atomically: true, encoding: .utf8)
        try late.joined(separator: "\n").write(to: second, atomically: true, encoding: .utf8)
        return (first.path, second.path)
    }

    @Test func diffPrintsEachChangeAndItsDirection() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let edited = try Self.editedHalo(revision: 2, in: directory)
        let human = try run(["artifact", "diff", Self.halo, edited])
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.contains("(halo)  roles.abeam.sky-governance-deputy  - -> sky-governance-deputy  addition"), "\(human.stdout)")
        #expect(human.stdout.contains("waits the timelock"))
        let json = try run(["artifact", "diff", "--json", edited, Self.halo])
        #expect(json.status == 0)
        #expect(json.stdout.contains("\"direction\" : \"removal\"") || json.stdout.contains("\"direction\": \"removal\""), "\(json.stdout)")
        #expect(json.stdout.contains("\"only_reduces\" : true") || json.stdout.contains("\"only_reduces\": true"), "\(json.stdout)")
    }

    /// `pending` lists a proposal the Sentinel has not taken yet; `cancel` accepts it too (the
    /// Sentinel takes inbox items in order: the proposal is journaled before the cancel is read),
    /// and `pending` says a cancel is queued. A newcomer was refused "no pending edit" here.
    @Test func aProposalStillInTheInboxCanBeCancelled() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let state = directory.appendingPathComponent("state").path
        let (early, _) = try Self.splitFeed(at: "2026-03-02T12:00:00Z", in: directory)
        #expect(try run(["run", Self.halo, "--state", state, "--feed", early]).status == 0)
        let edited = try Self.editedHalo(revision: 2, in: directory)
        #expect(try run(["artifact", "propose", "--state", state, edited, "--actor", "sky-governance"]).status == 0)
        #expect(try run(["artifact", "pending", "--state", state]).stdout.contains("edit-1: in the inbox since"))
        let cancel = try run(["artifact", "cancel", "--state", state, "edit-1", "--actor", "sky-governance"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(try run(["artifact", "pending", "--state", state]).stdout.contains("a cancel is in the inbox"))
        #expect(try run(["artifact", "cancel", "--state", state, "edit-9", "--actor", "sky-governance"]).status == 2)
        // The Sentinel takes both: the edit is journaled as proposed, then cancelled; nothing lands.
        let drained = try run(["run", Self.halo, "--state", state])
        #expect(drained.status == 0, "\(drained.stderr)")
        #expect(drained.stderr.contains("artifact edit edit-1 cancelled by sky-governance"), "\(drained.stderr)")
        let after = try run(["artifact", "pending", "--state", state]).stdout
        #expect(after.contains("revision 1 in force") && after.contains("no pending edit"), "\(after)")
    }

    /// Propose, then kill -9 the Sentinel again and again between the proposal and its effect:
    /// the edit lands at the same time and the state is the same as an uninterrupted run's.
    @Test func killNineBetweenProposalAndEffectLosesNothing() throws {
        func prepare() throws -> (state: String, late: String) {
            let directory = try HaloProcess.temporaryDirectory()
            let state = directory.appendingPathComponent("state").path
            let (early, late) = try Self.splitFeed(at: "2026-03-02T12:00:00Z", in: directory)
            #expect(try run(["run", Self.halo, "--state", state, "--feed", early]).status == 0)
            let edited = try Self.editedHalo(revision: 2, in: directory)
            let refused = try run(["artifact", "propose", "--state", state, edited, "--actor", "mallory"])
            #expect(refused.status == 2 && refused.stderr.contains("not-authorized"), "\(refused.stderr)")
            let skipped = try run(["artifact", "propose", "--state", state, try Self.editedHalo(revision: 3, in: directory), "--actor", "sky-governance"])
            #expect(skipped.status == 2 && skipped.stderr.contains("revision-invalid"), "\(skipped.stderr)")
            let proposed = try run(["artifact", "propose", "--state", state, edited, "--actor", "sky-governance"])
            #expect(proposed.status == 0, "\(proposed.stderr)")
            #expect(proposed.stdout.contains("roles.abeam.sky-governance-deputy"), "\(proposed.stdout)")
            // The Sentinel takes it from the inbox (and stops: no feed, simulated clock).
            #expect(try run(["run", Self.halo, "--state", state]).status == 0)
            let pending = try run(["artifact", "pending", "--state", state])
            #expect(pending.stdout.contains("revision 2 by sky-governance"), "\(pending.stdout)")
            // The last early event is at 10:20 on Monday: the timelock (1d) ends on Tuesday at 10:20.
            #expect(pending.stdout.contains("lands 2026-03-03T10:20:00Z"), "\(pending.stdout)")
            return (state, late)
        }
        let reference = try prepare()
        let started = Date()
        let uninterrupted = try run(["run", Self.halo, "--state", reference.state, "--feed", reference.late])
        let fullRun = Date().timeIntervalSince(started)
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")
        let landed = uninterrupted.stdout.split(separator: "\n").filter { $0.contains("\"artifact-edit\"") && $0.contains("\"applied\"") }
        #expect(landed.count == 1 && landed[0].contains("\"time\":\"2026-03-03T10:20:00Z\""), "\(landed)")
        let expected = try run(["state", "--state", reference.state, "--json"]).stdout

        let crashed = try prepare()
        var generator = SplitMix(seed: 0x6E0)
        var kills = 0
        // Kill points within 70 % of an uninterrupted run's time (bounded attempts), so the kills
        // land whatever this machine's speed.
        for _ in 0..<60 where kills < 6 {
            let process = Process()
            process.executableURL = HaloProcess.executable
            process.arguments = ["run", Self.halo, "--state", crashed.state, "--feed", crashed.late]
            process.currentDirectoryURL = HaloProcess.repository
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(generator.next() % UInt64(max(fullRun * 0.7, 0.02) * 1_000_000)))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        #expect(kills >= 3, "the run was killed \(kills) times")
        #expect(try run(["run", Self.halo, "--state", crashed.state, "--feed", crashed.late]).status == 0)
        #expect(try run(["state", "--state", crashed.state, "--json"]).stdout == expected)
        let human = try run(["state", "--state", crashed.state])
        #expect(human.stdout.hasPrefix("passthrough-alpha revision 2 "), "\(human.stdout)")
        #expect(try run(["artifact", "pending", "--state", crashed.state]).stdout.contains("no pending edit"))
        let verify = try run(["journal", "verify", "--state", crashed.state])
        #expect(verify.status == 0)
        // `halo state` counts the journal's records as `halo journal verify` does (statements and
        // the genesis record included), then says how many it replayed.
        let verified = try #require(verify.stdout.firstMatch(of: /hash chain ok: (\d+) records/)?.1)
        #expect(human.stdout.contains("(\(verified) journal records, "), "\(human.stdout) / \(verify.stdout)")
    }

    @Test func watchProposesAnEditOfTheHaloArtifact() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let state = directory.appendingPathComponent("state").path
        let halo = directory.appendingPathComponent("halo.yaml").path
        try FileManager.default.copyItem(atPath: try Self.editedHalo(revision: 1, in: directory), toPath: halo)
        let (early, _) = try Self.splitFeed(at: "2026-03-02T12:00:00Z", in: directory)
        let process = Process()
        process.executableURL = HaloProcess.executable
        process.arguments = ["run", halo, "--state", state, "--feed", early, "--watch", "--actor", "sky-governance", "--poll", "50ms"]
        process.currentDirectoryURL = HaloProcess.repository
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() }; process.waitUntilExit() }
        func pending() throws -> String { try run(["artifact", "pending", "--state", state]).stdout }
        var waited = 0
        while waited < 200, !(try pending()).contains("in force") { usleep(50_000); waited += 1 }
        // The operator edits the Halo Artifact in place: the running Sentinel proposes it.
        let edited = try String(contentsOfFile: try Self.editedHalo(revision: 2, in: directory), encoding: .utf8)
            .replacingOccurrences(of: "sky-governance-deputy", with: "sky-governance-second")
        try edited.write(toFile: halo, atomically: true, encoding: .utf8)
        waited = 0
        while waited < 200, !(try pending()).contains("revision 2 by sky-governance") { usleep(50_000); waited += 1 }
        #expect(try pending().contains("revision 2 by sky-governance, proposed 2026-03-02T10:20:00Z, lands 2026-03-03T10:20:00Z"))
    }

    @Test func statementsPrintSignAndVerify() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let state = directory.appendingPathComponent("state").path
        #expect(try run(["run", Self.halo, "--state", state, "--feed", Self.feed]).status == 0)
        let text = try run(["statement", "--state", state, "--unit", "tbill-a", "--epoch", "2026-03-03"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("Settlement statement passthrough-alpha/tbill-a epoch 2026-03-03"), "\(text.stdout)")
        let html = try run(["statement", "--state", state, "--unit", "tbill-a", "--epoch", "2026-03-03", "--html"])
        #expect(html.stdout.hasPrefix("<!doctype html>"))
        #expect(try run(["statement", "--state", state, "--unit", "tbill-a", "--epoch", "2026-03-07"]).status == 2, "a Saturday: no settlement")

        let key = directory.appendingPathComponent("auditor.key").path
        #expect(try run(["statement", "keygen", key]).status == 0)
        let signed = try run(["statement", "--state", state, "--unit", "tbill-a", "--epoch", "2026-03-03", "--sign", key])
        #expect(signed.status == 0, "\(signed.stderr)")
        let file = directory.appendingPathComponent("statement.json")
        try signed.stdout.write(to: file, atomically: true, encoding: .utf8)
        let ok = try run(["statement", "verify", file.path, "--key", key + ".pub", "--state", state])
        #expect(ok.status == 0, "\(ok.stderr)")
        // One byte: the statement's Unit name.
        try signed.stdout.replacingOccurrences(of: "\"tbill-a\"", with: "\"tbill-b\"").write(to: file, atomically: true, encoding: .utf8)
        let bad = try run(["statement", "verify", file.path, "--key", key + ".pub"])
        #expect(bad.status == 1 && bad.stderr.contains("signature"), "\(bad.stderr)")
        try "not json".write(to: file, atomically: true, encoding: .utf8)
        #expect(try run(["statement", "verify", file.path, "--key", key + ".pub"]).status == 2)
    }
}
