import ArgumentParser
import Foundation
import HaloArtifacts
import HaloJournal
import HaloSentinel

/// `halo artifact`: Artifact Edits under BEAM authority and the Halo's timelock (docs/governance.md).
struct ArtifactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifact",
        abstract: "Artifact Edits: diff two revisions, propose an edit to a running Halo, list or cancel pending edits.",
        subcommands: [Diff.self, Propose.self, Pending.self, Cancel.self]
    )

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "The semantic diff between two Halo Artifacts, per Unit, each change an addition, increase, removal, reduction or change.",
            discussion: "Exit codes: 0 ok (with or without changes), 2 invalid artifact."
        )
        @Argument(help: "The Halo Artifact in force.") var old: String
        @Argument(help: "The proposed Halo Artifact.") var new: String
        @Flag(name: .long, help: "Print one JSON document.") var json = false

        func run() throws {
            let before: HaloArtifact, after: HaloArtifact
            do {
                before = try HaloArtifact.load(path: old)
                after = try HaloArtifact.load(path: new)
            } catch {
                Output.error(error.description)
                throw ExitCode(2)
            }
            let diff = ArtifactDiff(old: before, new: after)
            if json {
                guard case .object(var pairs) = diff.json else { return }
                pairs.insert(("revision", .object([("old", .int(Int64(before.revision))), ("new", .int(Int64(after.revision)))])), at: 0)
                print(JSONValue.object(pairs).pretty())
                return
            }
            print("\(before.name): revision \(before.revision) -> \(after.revision), \(diff.changes.count) change(s)")
            for change in diff.changes { print("  " + change.line) }
            print(diff.changes.isEmpty ? "no change" : diff.onlyReduces
                  ? "only removals and reductions: takes effect at once"
                  : "additions or increases: waits the timelock (\(before.governance.timelock))")
        }
    }

    struct Propose: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "propose",
            abstract: "Propose NEW as the next revision of a Sentinel's Halo; the Sentinel journals it and applies it when effective.",
            discussion: "Exit codes: 0 accepted into the inbox, 2 refused (not-authorized, revision-invalid, artifact-invalid)."
        )
        @Option(name: .long, help: "The Sentinel's state directory.") var state: String
        @Option(name: .long, help: "The proposer (an aBEAM holder).") var actor: String
        @Flag(name: .long, help: "Print one JSON document.") var json = false
        @Argument(help: "The proposed Halo Artifact (revision in force + 1).") var new: String

        func run() throws {
            let service = try openReader(state)
            let result = service.validateProposal(file: new, actor: actor)
            let timelock = service.halo.governance.timelock
            service.close()
            switch result {
            case .failure(let failure):
                if json { print(JSONValue.object([("ok", .bool(false)), ("error", .object([("code", .string(failure.code)), ("message", .string(failure.message))]))]).pretty()) }
                Output.error("refused: \(failure)")
                throw ExitCode(2)
            case .success(let (proposed, diff)):
                let id: Int64
                do {
                    let journal = try Journal(directory: URL(fileURLWithPath: state), configuration: JournalConfiguration(role: .submitter))
                    defer { try? journal.close() }
                    id = try journal.submit(payload: SentinelService.proposalPayload(file: new, actor: actor))
                } catch {
                    Output.error("refused: \(error)")
                    throw ExitCode(2)
                }
                let when = diff.onlyReduces ? "at once" : "\(timelock) after the Sentinel takes it (never inside 13:00-16:00)"
                if json {
                    print(JSONValue.object([("ok", .bool(true)), ("edit", .string("edit-\(id)")), ("revision", .int(Int64(proposed.revision))),
                                            ("effective", .string(diff.onlyReduces ? "at-once" : "after-timelock")), ("diff", diff.json)]).pretty())
                    return
                }
                print("accepted edit-\(id): revision \(proposed.revision), \(diff.changes.count) change(s), effective \(when)")
                for change in diff.changes { print("  " + change.line) }
            }
        }
    }

    struct Pending: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pending",
            abstract: "Edits waiting for their effective time (and proposals the Sentinel has not taken yet)."
        )
        @Option(name: .long, help: "The Sentinel's state directory.") var state: String
        @Flag(name: .long, help: "Print one JSON document.") var json = false

        func run() throws {
            let service = try openReader(state)
            defer { service.close() }
            let edits = service.artifactEdits.pending
            let inbox = InboxEdits(service)
            if json {
                print(JSONValue.object([("revision", .int(Int64(service.halo.revision))), ("pending", .array(edits.map(\.json))),
                                        ("in_inbox", .array(inbox.proposals.map { .string($0) })),
                                        ("cancels_in_inbox", .array(inbox.cancels.sorted().map { .string($0) }))]).pretty())
                return
            }
            print("\(service.halo.name) revision \(service.halo.revision) in force at \(service.now.iso8601)")
            if edits.isEmpty && inbox.proposals.isEmpty { print("no pending edit") }
            func cancelNote(_ id: String) -> String {
                inbox.cancels.contains(id) ? "; a cancel is in the inbox, not yet taken by the Sentinel" : ""
            }
            for edit in edits {
                print("\(edit.id): revision \(edit.revision) by \(edit.actor), proposed \(edit.proposedAt.iso8601), lands \(edit.effectiveAt.iso8601)" + cancelNote(edit.id))
            }
            for (id, since) in zip(inbox.proposals, inbox.proposedSince) {
                print("\(id): in the inbox since \(since); not yet taken by the Sentinel" + cancelNote(id))
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel",
            abstract: "Withdraw a pending edit (aBEAM).",
            discussion: "Exit codes: 0 accepted into the inbox, 2 refused."
        )
        @Option(name: .long, help: "The Sentinel's state directory.") var state: String
        @Option(name: .long, help: "Who cancels (an aBEAM holder).") var actor: String
        @Argument(help: "The edit's id (edit-N, from `halo artifact pending`).") var id: String

        func run() throws {
            let service = try openReader(state)
            // A proposal still in the inbox can be cancelled too: the Sentinel takes inbox items
            // in order, so it journals the proposal before it reads the cancel.
            let known = service.artifactEdits.pending.contains { $0.id == id } || InboxEdits(service).proposals.contains(id)
            let authorized = service.halo.roles.abeam.contains(actor)
            service.close()
            guard authorized else {
                Output.error("refused: not-authorized: '\(actor)' does not hold aBEAM")
                throw ExitCode(2)
            }
            guard known else {
                Output.error("refused: no pending edit '\(id)'")
                throw ExitCode(2)
            }
            do {
                let journal = try Journal(directory: URL(fileURLWithPath: state), configuration: JournalConfiguration(role: .submitter))
                defer { try? journal.close() }
                let inbox = try journal.submit(payload: SentinelService.cancellationPayload(edit: id, actor: actor))
                print("accepted inbox:\(inbox): cancel \(id)")
            } catch {
                Output.error("refused: \(error)")
                throw ExitCode(2)
            }
        }
    }
}

/// Artifact Edit items in a journal's inbox, not yet taken by the Sentinel: proposals (by the
/// edit id they will get, `edit-<inbox id>`) and the edit ids of queued cancels.
struct InboxEdits {
    var proposals: [String] = []
    var proposedSince: [String] = []
    var cancels: Set<String> = []

    init(_ service: SentinelService) {
        for item in (try? service.inboxItems()) ?? [] {
            guard let payload = try? JSONParser.parse(item.payload) else { continue }
            if payload["artifact_edit"] != nil {
                proposals.append("edit-\(item.id)")
                proposedSince.append(item.receivedAt)
            } else if case .string(let edit)? = payload["artifact_cancel"]?["edit"] {
                cancels.insert(edit)
            }
        }
    }
}

/// The Sentinel's state rebuilt read-only from its journal.
func openReader(_ state: String) throws -> SentinelService {
    do {
        return try SentinelService(haloPath: nil, stateDirectory: state, clock: .sim, role: .reader)
    } catch {
        Output.error("\(error)")
        throw ExitCode(error.invalidInput ? 2 : 3)
    }
}
