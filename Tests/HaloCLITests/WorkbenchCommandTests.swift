import Foundation
import Testing

/// The policy author's workbench, played as a newcomer would with the built binary:
/// `halo new`, `halo test`, `--update`, `--coverage`, `halo run`, `halo state`, `--version`.
@Suite(.serialized) struct WorkbenchCommandTests {
    /// Runs `halo` with `CI` unset (or set, when asked) and colour off.
    static func halo(_ arguments: [String], in directory: URL, executable: URL = HaloProcess.executable,
                     environment changes: [String: String?] = [:]) throws -> HaloProcess.Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["CI"] = nil
        environment["HALO_STDLIB"] = nil
        for (key, value) in changes { environment[key] = value }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return HaloProcess.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                  stderr: String(decoding: stderr, as: UTF8.self))
    }

    static let feed = """
    {"id":"f1","unit":"credit-a","at":"2026-03-02T08:00:00Z","fund":{"account":"alice","asset":"USDS","amount":"1000000"}}
    {"id":"r1","unit":"credit-a","at":"2026-03-02T08:30:00Z","report":{"nav":"1","holdings":"0","capacity":"5000000","liquidity":"5000000"}}
    {"id":"s1","unit":"credit-a","at":"2026-03-02T09:00:00Z","subscribe":{"account":"alice","amount":"1000000"}}
    {"id":"r2","unit":"credit-a","at":"2026-03-03T08:30:00Z","report":{"nav":"1","holdings":"990000","capacity":"5000000","liquidity":"5000000"}}
    {"id":"c1","unit":"credit-a","at":"2026-03-03T09:00:00Z","claim":{"account":"alice","queue":"subscribe"}}

    """

    /// From an empty folder to a green test, a policy change accepted with --update and a
    /// running Sentinel, counting the commands a person types (editing the policy is one).
    @Test func aNewcomerFromAnEmptyFolderToARunningSentinel() throws {
        let folder = try HaloProcess.temporaryDirectory()
        var commands = 0
        func halo(_ arguments: [String]) throws -> HaloProcess.Result {
            commands += 1
            return try Self.halo(arguments, in: folder)
        }

        var result = try halo(["new", "halo", "acme"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try halo(["new", "unit", "credit-a", "--halo", "acme/halo.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("revision 1 -> 2"))
        let haloText = try String(contentsOf: folder.appendingPathComponent("acme/halo.yaml"), encoding: .utf8)
        #expect(haloText.contains("units: [units/credit-a/unit.yaml]"))
        #expect(haloText.contains("revision: 2 "))
        result = try halo(["test", "acme"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasSuffix("3 passed, 0 failed\n"))

        // The author marks the Unit 1 % below the manager's NAV.
        commands += 1
        let policy = folder.appendingPathComponent("acme/policies/credit-a.lua")
        let original = try String(contentsOf: policy, encoding: .utf8)
        let edited = original.replacingOccurrences(of: "local rate = halo.bounded_rate(ctx, report.nav)",
                                                   with: "local rate = halo.bounded_rate(ctx, report.nav * halo.amount(\"0.99\"))")
        #expect(edited != original)
        try edited.write(to: policy, atomically: true, encoding: .utf8)

        result = try halo(["test", "--update", "acme"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("+      exchange_rate: \"0.99\""))
        #expect(result.stdout.contains("CREDIT-A: \"1010101.010101010101\""))   // 1000000 / 0.99 claimed, written by halo, not by hand
        #expect(!result.stdout.contains("-      signals: []"))                   // unchanged lines are context, not rewritten
        result = try halo(["test", "acme"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")

        try Self.feed.write(to: folder.appendingPathComponent("events.jsonl"), atomically: true, encoding: .utf8)
        commands += 1   // writing the feed
        result = try halo(["run", "acme/halo.yaml", "--state", "state", "--feed", "events.jsonl"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try halo(["state", "--state", "state", "--unit", "credit-a"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("exchange rate   0.99"))
        #expect(result.stdout.contains("limit deposit"))
        #expect(result.stdout.contains("last report"))
        #expect(commands <= 10, "the newcomer path took \(commands) commands")
        print("newcomer path: \(commands) commands")
    }

    @Test func everyTemplatePassesItsOwnFixturesAndCheck() throws {
        let folder = try HaloProcess.temporaryDirectory()
        #expect(try Self.halo(["new", "halo", "h"], in: folder).status == 0)
        for from in ["tbill", "mmf", "clo-aaa", "blank"] {
            let result = try Self.halo(["new", "unit", "u-\(from)", "--halo", "h/halo.yaml", "--from", from], in: folder)
            #expect(result.status == 0, "\(from): \(result.stderr)")
        }
        let test = try Self.halo(["test", "h"], in: folder)
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        #expect(test.stdout.hasSuffix("12 passed, 0 failed\n"))
        let check = try Self.halo(["check", "h/halo.yaml"], in: folder)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(try String(contentsOf: folder.appendingPathComponent("h/halo.yaml"), encoding: .utf8).contains("revision: 5 "))
    }

    @Test func newRefusesToOverwriteAnything() throws {
        let folder = try HaloProcess.temporaryDirectory()
        #expect(try Self.halo(["new", "halo", "h"], in: folder).status == 0)
        let again = try Self.halo(["new", "halo", "h"], in: folder)
        #expect(again.status == 2)
        #expect(again.stderr.contains("refusing to overwrite"))
        #expect(try Self.halo(["new", "unit", "u", "--halo", "h/halo.yaml"], in: folder).status == 0)
        let before = try String(contentsOf: folder.appendingPathComponent("h/halo.yaml"), encoding: .utf8)
        let twice = try Self.halo(["new", "unit", "u", "--halo", "h/halo.yaml"], in: folder)
        #expect(twice.status == 2)
        #expect(try String(contentsOf: folder.appendingPathComponent("h/halo.yaml"), encoding: .utf8) == before)
        #expect(try Self.halo(["new", "unit", "v", "--halo", "h/halo.yaml", "--from", "nope"], in: folder).status == 2)
        #expect(try Self.halo(["new", "unit", "w", "--halo", "missing.yaml"], in: folder).status == 2)
    }

    @Test func updateIsRefusedInCI() throws {
        let folder = try HaloProcess.temporaryDirectory()
        _ = try Self.halo(["new", "halo", "h"], in: folder)
        _ = try Self.halo(["new", "unit", "u", "--halo", "h/halo.yaml"], in: folder)
        let result = try Self.halo(["test", "--update", "h"], in: folder, environment: ["CI": "true"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("CI"))
        let dryRun = try Self.halo(["dry-run", "--update", "h/units/u/tests/normal-day.yaml"], in: folder, environment: ["CI": "1"])
        #expect(dryRun.status == 2)
    }

    @Test func versionNamesHaloAndLua() throws {
        let result = try Self.halo(["--version"], in: HaloProcess.repository)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("halo "))
        #expect(result.stdout.contains("Lua 5.4"))
    }

    /// An installed layout (PREFIX/bin/halo, PREFIX/share/halo/{stdlib,templates}) works from any
    /// folder; without share/halo the error lists where it looked and names HALO_STDLIB.
    @Test func anInstalledHaloFindsItsStdlibAndTemplates() throws {
        let prefix = try HaloProcess.temporaryDirectory()
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try fileManager.createDirectory(at: prefix.appendingPathComponent("share/halo"), withIntermediateDirectories: true)
        let binary = prefix.appendingPathComponent("bin/halo")
        try fileManager.copyItem(at: HaloProcess.executable, to: binary)
        let work = try HaloProcess.temporaryDirectory()

        let missing = try Self.halo(["new", "halo", "h"], in: work, executable: binary)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("HALO_STDLIB"))
        #expect(missing.stderr.contains(prefix.appendingPathComponent("share/halo/stdlib").path))

        for folder in ["stdlib", "templates"] {
            try fileManager.copyItem(at: HaloProcess.repository.appendingPathComponent(folder),
                                     to: prefix.appendingPathComponent("share/halo/\(folder)"))
        }
        #expect(try Self.halo(["new", "halo", "h"], in: work, executable: binary).status == 0)
        #expect(try Self.halo(["new", "unit", "u", "--halo", "h/halo.yaml", "--from", "tbill"], in: work, executable: binary).status == 0)
        let test = try Self.halo(["test", "h"], in: work, executable: binary)
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
    }

    @Test func coverageOfTheShippedExamples() throws {
        let lcov = try HaloProcess.temporaryDirectory().appendingPathComponent("halo.lcov")
        let result = try Self.halo(["test", "--coverage", "--lcov", lcov.path, "examples/"], in: HaloProcess.repository)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("policies/tbill.lua"))
        #expect(result.stdout.contains("signals never raised:    none"))
        let text = try String(contentsOf: lcov, encoding: .utf8)
        #expect(text.contains("SF:") && text.contains("DA:") && text.contains("end_of_record"))
        print(result.stdout)
    }

    @Test func traceFiltersHooksAndIndentsTheCtx() throws {
        let fixture = "examples/passthrough-alpha/units/tbill/tests/stale-report.yaml"
        let result = try Self.halo(["dry-run", "--trace=settle", fixture], in: HaloProcess.repository)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.components(separatedBy: "\n")
        let contexts = lines.indices.filter { lines[$0] == "      ctx" }
        #expect(!contexts.isEmpty)
        for index in contexts { #expect(lines[index - 1].contains("settle")) }
        #expect(lines.contains { $0.hasPrefix("          \"hook\": \"settle\"") })
        let all = try Self.halo(["dry-run", "--trace", fixture], in: HaloProcess.repository)
        #expect(all.stdout.components(separatedBy: "\n").filter { $0 == "      ctx" }.count > contexts.count)
    }
}
