import ArgumentParser
import Foundation
import HaloArtifacts
import HaloSentinel

/// `--update` for `halo test` and `halo dry-run`: writes observed values into a fixture's
/// `expect` steps (``FixtureUpdater``), prints the diff, and runs the fixture again.
enum UpdateSupport {
    /// Refuses in CI: a snapshot is accepted by a person looking at the diff, never by a pipeline.
    static func refuseInCI() throws {
        if let ci = ProcessInfo.processInfo.environment["CI"], !ci.isEmpty {
            Output.error("--update is refused when CI is set: accept new expectations on a workstation, where you read the diff")
            throw ExitCode(2)
        }
    }

    /// Updates the fixture at `fixture.path` from `result`; returns the result of the fixture
    /// as rewritten (or `result` when nothing was written). Diffs and refusals go to `log`.
    static func apply(_ fixture: Fixture, _ result: DryRunResult, unitOverride: String? = nil,
                      log: (String) -> Void) throws(ArtifactError) -> DryRunResult {
        guard let text = try? String(contentsOfFile: fixture.path, encoding: .utf8) else {
            throw ArtifactError(.fixtureInvalid, file: fixture.path, line: nil, field: nil, "cannot read the fixture")
        }
        let update = try FixtureUpdater.update(fixture, result: result, text: text)
        if let refused = update.refused {
            log(Output.yellow("not updated") + " \(fixture.path): \(refused)")
            return result
        }
        guard update.changed else { return result }
        do {
            try update.text.write(toFile: fixture.path, atomically: true, encoding: .utf8)
        } catch {
            throw ArtifactError(.fixtureInvalid, file: fixture.path, line: nil, field: nil, "cannot write: \(error)")
        }
        for line in update.diff {
            if line.hasPrefix("+") && !line.hasPrefix("+++") { log(Output.green(line)) }
            else if line.hasPrefix("-") && !line.hasPrefix("---") { log(Output.red(line)) }
            else { log(line) }
        }
        log(Output.bold("updated") + " \(fixture.path)")
        return try FixtureRunner.run(try Fixture.load(path: fixture.path, unitOverride: unitOverride))
    }
}
