import Foundation
import Testing

/// Runs the built `halo` executable as a user would, checking exit codes and output.
struct HaloProcess {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

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

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], directory: URL = repository, stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("halo-cli-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite(.serialized) struct HaloCommandTests {
    let example = "examples/passthrough-alpha"

    @Test func checkTheShippedHalo() throws {
        let result = try HaloProcess.run(["check", "\(example)/halo.yaml"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("onboarded"))
    }

    @Test func checkAPolicyWithASyntaxErrorNamesFileAndLine() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let policy = directory.appendingPathComponent("bad.lua")
        try "local P = {}\nfunction P.settle(ctx)\n  return {\nend\nreturn P\n".write(to: policy, atomically: true, encoding: .utf8)
        let result = try HaloProcess.run(["check", policy.path])
        #expect(result.status == 2)
        #expect(result.stdout.contains("bad.lua:4"), "\(result.stdout)")
        #expect(result.stdout.contains("policy-error"))
    }

    @Test func checkAPolicyThatEscapesTheSandbox() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let policy = directory.appendingPathComponent("escape.lua")
        try "local f = io.open('/etc/passwd')\nreturn { settle = function() return {} end }\n".write(to: policy, atomically: true, encoding: .utf8)
        let result = try HaloProcess.run(["check", policy.path])
        #expect(result.status == 2)
        #expect(result.stdout.contains("escape.lua:1"), "\(result.stdout)")
    }

    @Test func testTheShippedExamples() throws {
        let result = try HaloProcess.run(["test", example])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasSuffix("passed, 0 failed"), "\(last)")
    }

    @Test func dryRunJSONIsByteIdentical() throws {
        let fixtures = try FileManager.default.contentsOfDirectory(atPath: HaloProcess.repository.path + "/\(example)/units/tbill/tests")
            .filter { $0.hasSuffix(".yaml") }.sorted()
        let fixture = try #require(fixtures.first)
        let path = "\(example)/units/tbill/tests/\(fixture)"
        let first = try HaloProcess.run(["dry-run", "--json", path])
        let second = try HaloProcess.run(["dry-run", "--json", path])
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stdout == second.stdout)
        let json = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        #expect(json?["unit"] as? String == "tbill-a")
        #expect(json?["passed"] as? Bool == true)
        #expect((json?["final"] as? [String: Any])?["queues"] != nil)
    }

    @Test func malformedFixtureExitsTwoWithFileAndLine() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let fixture = directory.appendingPathComponent("bad.yaml")
        let unit = HaloProcess.repository.path + "/\(example)/units/tbill/unit.yaml"
        try """
        unit: \(unit)
        start: "2026-03-02T00:00:00Z"
        accounts: { alice: { USDS: "10" } }
        steps:
          - subscribe: { account: alice, amount: "1.0000000000000000001" }
        """.write(to: fixture, atomically: true, encoding: .utf8)
        let result = try HaloProcess.run(["dry-run", fixture.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.yaml:5: fixture-invalid"), "\(result.stderr)")
    }

    @Test func policyReturningGarbageExitsThree() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let unitText = try String(contentsOfFile: HaloProcess.repository.path + "/\(example)/units/tbill/unit.yaml", encoding: .utf8)
            .replacingOccurrences(of: "../../../../policies/tbill.lua", with: "garbage.lua")
            // The copied Unit must stay valid input (dry-run verifies the template as check does).
            .replacingOccurrences(of: "../../templates/lcts-unit.txt", with: HaloProcess.repository.path + "/\(example)/templates/lcts-unit.txt")
        try unitText.write(to: directory.appendingPathComponent("unit.yaml"), atomically: true, encoding: .utf8)
        try "return { settle = function(ctx) return { subscribe = 12.5 } end }\n"
            .write(to: directory.appendingPathComponent("garbage.lua"), atomically: true, encoding: .utf8)
        try """
        unit: unit.yaml
        start: "2026-03-02T00:00:00Z"
        accounts: { alice: { USDS: "10" } }
        steps:
          - at: "2026-03-02T09:00:00Z"
            subscribe: { account: alice, amount: "10" }
          - at: "2026-03-02T17:00:00Z"
            expect: { queues: { subscribe: { status: active, total_underlying: "10" } } }
        """.write(to: directory.appendingPathComponent("f.yaml"), atomically: true, encoding: .utf8)
        let result = try HaloProcess.run(["dry-run", "--json", directory.appendingPathComponent("f.yaml").path])
        #expect(result.status == 3, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("bad-decision"))
        #expect(result.stdout.contains("POLICY_FAILURE"))
    }

    @Test func aPolicyPinMismatchIsRefused() throws {
        let directory = try HaloProcess.temporaryDirectory()
        let unitText = try String(contentsOfFile: HaloProcess.repository.path + "/\(example)/units/mmf/unit.yaml", encoding: .utf8)
            .replacingOccurrences(of: "../../../../policies/mmf.lua", with: HaloProcess.repository.path + "/policies/mmf.lua")
            .replacingOccurrences(of: #"sha256: "19"#, with: #"sha256: "29"#)
        try unitText.write(to: directory.appendingPathComponent("unit.yaml"), atomically: true, encoding: .utf8)
        let result = try HaloProcess.run(["check", "--no-tests", directory.appendingPathComponent("unit.yaml").path])
        #expect(result.status == 2)
        #expect(result.stdout.contains("integrity-mismatch"), "\(result.stdout)")
    }

    @Test func traceShowsEachHooksContextAndDecision() throws {
        let path = "\(example)/units/tbill/tests/normal-week.yaml"
        let result = try HaloProcess.run(["dry-run", "--trace", path])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("settle"))
        #expect(result.stdout.contains("      ctx\n        {\n          \"time\": "), "the hook's inputs are shown, indented")
        #expect(result.stdout.contains("          \"queues\": {"))
    }

    @Test func jsonModesPrintOnlyJSON() throws {
        for arguments in [["test", "--json", example], ["check", "--json", "--no-tests", "\(example)/halo.yaml"]] {
            let result = try HaloProcess.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(throws: Never.self) { _ = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) }
        }
    }

    @Test func unknownCommandAndHelp() throws {
        #expect(try HaloProcess.run(["--help"]).status == 0)
        #expect(try HaloProcess.run(["frobnicate"]).status != 0)
    }
}
