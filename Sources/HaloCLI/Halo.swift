import ArgumentParser
import HaloSentinel

/// The `halo` command: a thin layer over HaloSentinel; everything here can be called from Swift.
@main
struct Halo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "halo",
        abstract: "Operate Passthrough Halo Units: LCTS queues, PAU rate limits and sandboxed Lua Sentinel policies.",
        discussion: """
        Exit codes: 0 ok; 1 a step, expectation or test failed; 2 invalid input; 3 policy or sandbox failure.
        Documentation: README.md and docs/ in the repository.
        """,
        version: HaloVersion.text,
        subcommands: [CheckCommand.self, DryRunCommand.self, TestCommand.self, RunCommand.self, SubmitCommand.self,
                      StateCommand.self, JournalCommand.self, BenchCommand.self, ArtifactCommand.self, StatementCommand.self,
                      NewCommand.self, ReplayCommand.self, SimulateCommand.self]
    )
}
