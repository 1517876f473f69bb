import ArgumentParser
import Foundation
import HaloSentinel

/// `halo new halo NAME` / `halo new unit NAME`: scaffolding from the templates beside the stdlib.
struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Scaffold a Halo, or a Unit (artifact, policy, passing starter fixtures) wired into a Halo.",
        discussion: "Exit codes: 0 ok, 2 refused (a file exists, a name or template is invalid). Never overwrites a file.",
        subcommands: [NewHalo.self, NewUnit.self]
    )

    static func templates() throws -> String {
        guard let templates = StdlibLocator.templates(near: []) else {
            Output.error("halo new: the templates folder (beside the stdlib) was not found.\n"
                         + StdlibLocator.notFoundMessage(near: []))
            throw ExitCode(2)
        }
        return templates
    }

    static func report(_ result: ScaffoldResult) {
        for path in result.created { print("created \(path)") }
        if let edited = result.edited {
            print("edited  \(edited.path): Unit listed, revision \(edited.fromRevision) -> \(edited.toRevision)")
        }
    }

    struct NewHalo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "halo",
            abstract: "Create NAME/halo.yaml (settlement schedule, no Units yet) and its factory template description."
        )

        @Argument(help: "The Halo's name (also the folder created).")
        var name: String

        func run() throws {
            do {
                let result = try Scaffold.newHalo(name: name, in: ".", templates: try NewCommand.templates())
                NewCommand.report(result)
                print("next: halo new unit UNIT --halo \(name)/halo.yaml")
            } catch let error as ScaffoldError {
                Output.error("halo new halo: \(error.message)")
                throw ExitCode(2)
            }
        }
    }

    struct NewUnit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unit",
            abstract: "Create a Unit (units/NAME/unit.yaml, policies/NAME.lua, three passing fixtures) and list it in the Halo."
        )

        @Argument(help: "The Unit's name (its share asset is the name in capitals).")
        var name: String

        @Option(name: .long, help: "The Halo Artifact to add the Unit to.")
        var halo = "halo.yaml"

        @Option(name: .long, help: "The template: blank (a small commented policy), tbill, mmf or clo-aaa (the shipped policies).")
        var from = "blank"

        func run() throws {
            do {
                let result = try Scaffold.newUnit(name: name, halo: halo, from: from, templates: try NewCommand.templates())
                NewCommand.report(result)
                let directory = (halo as NSString).deletingLastPathComponent
                print("next: halo test \(directory.isEmpty ? "." : directory)")
            } catch let error as ScaffoldError {
                Output.error("halo new unit: \(error.message)")
                throw ExitCode(2)
            }
        }
    }
}
