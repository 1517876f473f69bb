import ArgumentParser
import Foundation
import HaloArtifacts
import HaloJournal
import HaloSentinel

/// `halo statement`: a Unit's settlement statement for one epoch, signed or not; `verify`; `keygen`.
struct StatementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statement",
        abstract: "Print (and sign) a Unit's settlement statement for one epoch; verify one; make a key pair.",
        discussion: "Schema: docs/reference/statement.md. Exit codes: 0 ok, 1 does not verify, 2 invalid input.",
        subcommands: [Show.self, Verify.self, Keygen.self],
        defaultSubcommand: Show.self
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print the journaled statement of --unit for --epoch (YYYY-MM-DD)."
        )
        @Option(name: .long, help: "The Sentinel's state directory.") var state: String
        @Option(name: .long, help: "The Unit.") var unit: String
        @Option(name: .long, help: "The epoch: the settlement's date, YYYY-MM-DD (UTC).") var epoch: String
        @Flag(name: .long, help: "Print the statement as JSON (with --sign: the signed document).") var json = false
        @Flag(name: .long, help: "Print the statement as an HTML page.") var html = false
        @Option(name: .long, help: "Sign with this Ed25519 private key file (64 hex digits); prints the signed JSON document.") var sign: String?

        func run() throws {
            let found: (record: JournalRecord, statement: JSONValue)?
            do { found = try SentinelService.statement(stateDirectory: state, unit: unit, epoch: epoch) } catch {
                Output.error("halo statement: \(error)")
                throw ExitCode(2)
            }
            guard let found else {
                Output.error("halo statement: no statement for unit '\(unit)' epoch \(epoch) in \(state)")
                throw ExitCode(2)
            }
            let statement = found.statement
            if let sign {
                do {
                    print(try SentinelService.signStatement(statement, keyFile: sign).pretty())
                } catch {
                    Output.error("halo statement: \(error)")
                    throw ExitCode(2)
                }
                return
            }
            if json { print(statement.pretty()) } else if html { print(SettlementStatement.html(statement)) } else {
                print(SettlementStatement.text(statement))
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check a signed statement's Ed25519 signature and, with --state, that it matches the journal.",
            discussion: "Exit codes: 0 verifies, 1 does not verify (the reason is printed), 2 invalid input."
        )
        @Argument(help: "The signed statement (JSON from `halo statement --sign`).") var file: String
        @Option(name: .long, help: "The signer's public key file (64 hex digits).") var key: String
        @Option(name: .long, help: "Also check it against this Sentinel's journal.") var state: String?

        func run() throws {
            do {
                guard let data = FileManager.default.contents(atPath: file) else { throw StatementCheck.invalid("\(file): cannot read") }
                let document: JSONValue
                do { document = try JSONParser.parse(String(decoding: data, as: UTF8.self)) } catch {
                    throw StatementCheck.invalid("\(file): not JSON: \(error)")
                }
                try SentinelService.verifyStatement(document, publicKeyFile: key, stateDirectory: state)
                print("ok: signature valid\(state == nil ? "" : "; matches the journal and its hash chain")")
            } catch let error as StatementError {
                Output.error("does not verify: \(error)")
                throw ExitCode(error.code == "statement-invalid" ? 2 : 1)
            }
        }
    }

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Write a new Ed25519 key pair: OUT (private, 64 hex digits, mode 0600) and OUT.pub."
        )
        @Argument(help: "The private key file to write; the public key goes to OUT.pub.") var out: String

        func run() throws {
            do {
                _ = try SettlementStatement.generateKey(at: out)
                print("wrote \(out) and \(out).pub")
            } catch {
                Output.error("halo statement keygen: \(error)")
                throw ExitCode(2)
            }
        }
    }
}

enum StatementCheck {
    static func invalid(_ message: String) -> StatementError { StatementError(code: "statement-invalid", message: message) }
}
