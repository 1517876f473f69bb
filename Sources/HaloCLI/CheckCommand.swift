import ArgumentParser
import Foundation
import HaloArtifacts
import HaloSentinel
import HaloSimulation

/// `halo check ARTIFACT...`: validate artifacts and policies and print the onboarding checklist.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate Halo/Unit Artifacts and policies, verify pins, print the onboarding checklist.",
        discussion: """
        ARTIFACT is a Halo Artifact (halo.yaml), a Unit Artifact (unit.yaml), a Prime Artifact (prime: ...), a simulation scenario or a Lua policy file (.lua).
        A policy file is loaded in the sandbox, its top level run under the default budgets.
        Exit codes: 0 ok, 2 invalid.
        """
    )

    @Argument(help: "Halo Artifacts, Unit Artifacts or .lua policy files.")
    var artifacts: [String]

    @Flag(name: .long, help: "Do not run each Unit's fixtures as part of the checklist.")
    var noTests = false

    @Flag(name: .long, help: "Print one JSON document instead of text.")
    var json = false

    func run() throws {
        var documents: [JSONValue] = []
        var invalid = false
        for path in artifacts {
            if PrimeChecker.handles(path) {
                let report = PrimeChecker.check(path: path)
                invalid = invalid || !report.ok
                documents.append(report.json())
                if !json { print(report.text()) }
                continue
            }
            let report = ArtifactChecker.check(path: path, runTests: !noTests)
            invalid = invalid || !report.ok
            documents.append(report.json())
            if !json { print(report.text()) }
        }
        if json { print((documents.count == 1 ? documents[0] : .array(documents)).pretty()) }
        if invalid { throw ExitCode(2) }
    }
}
