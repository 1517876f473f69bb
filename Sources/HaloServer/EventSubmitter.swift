import Foundation
import HaloArtifacts
import HaloJournal

/// `POST /v1/events`: what `halo submit` does, over HTTP. Each line of the body (one JSON event
/// per line) is checked against the Halo's Units exactly as `halo submit` checks it, and only
/// when every line passes are they written to the journal's inbox, in order; the Sentinel's
/// loop applies them, each at most once by its event id (an event without an `id` gets the
/// inbox item's id).
public final class EventSubmitter: @unchecked Sendable {
    /// Why a body was refused: a stable code and a message.
    public struct Refusal: Error, Sendable {
        /// The event's error code (as `halo submit` prints it), `empty`, `not-ready` or the journal's code.
        public var code: String
        /// What was wrong (with `http:LINE` for a line of the body).
        public var message: String
    }

    private let lock = NSLock()
    private let directory: URL
    private var units: [String: UnitArtifact]?
    private var journal: Journal?

    /// A submitter for the journal in `stateDirectory`; it refuses (`not-ready`) until ``ready(units:)``.
    public init(stateDirectory: String) {
        directory = URL(fileURLWithPath: stateDirectory)
    }

    /// The Sentinel has started: events are checked against `units` from now on.
    public func ready(units: [String: UnitArtifact]) { lock.withLock { self.units = units } }

    /// Checks every line, then queues them all; returns the inbox ids.
    public func submit(_ body: String) throws(Refusal) -> [Int64] {
        let lines = body.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !lines.isEmpty else { throw Refusal(code: "empty", message: "the body holds no event") }
        guard let units = lock.withLock({ self.units }) else {
            throw Refusal(code: "not-ready", message: "the Sentinel is still starting (recovery)")
        }
        for (index, line) in lines.enumerated() {
            do { _ = try FeedEvent.parse(line, file: "http", line: index + 1, units: units) }
            catch { throw Refusal(code: error.code.rawValue, message: error.description) }
        }
        do {
            return try lock.withLock {
                if journal == nil {
                    journal = try Journal(directory: directory, configuration: JournalConfiguration(role: .submitter))
                }
                guard let journal else { return [] }
                return try lines.map { try journal.submit(payload: $0) }
            }
        } catch let error as JournalError {
            throw Refusal(code: error.code, message: error.message)
        } catch {
            throw Refusal(code: "journal-io", message: "\(error)")
        }
    }
}
