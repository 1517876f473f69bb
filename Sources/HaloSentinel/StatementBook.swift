import HaloArtifacts
import HaloCore

/// What the Sentinel keeps between two settlements of each Unit to write its statement:
/// the previous closing, the epoch's signals and actions, and statements not yet journaled.
public struct StatementBook: Sendable {
    /// Per Unit: the previous statement's closing state (nil before the first settlement).
    var lastClosing: [String: (time: Timestamp, state: JSONValue)] = [:]
    /// Per Unit: signals and actions already printed this epoch (later ones are still in the Unit's logs).
    var signals: [String: [JSONValue]] = [:]
    var actions: [String: [JSONValue]] = [:]
    /// Per Unit: the last settlement's time; log lines up to it belong to that epoch.
    var cutoff: [String: Timestamp] = [:]
    /// Statements built at settlement, waiting for the journal head they rest on.
    var due: [(unit: String, epoch: String, time: Timestamp, body: [(String, JSONValue)])] = []

    /// Notes `unit`'s signals and actions as they are printed (those of a closed epoch are skipped).
    mutating func note(_ sentinel: UnitSentinel, signalsFrom: Int, actionsFrom: Int) {
        let name = sentinel.artifact.name
        let cut = cutoff[name]
        for signal in sentinel.signals[signalsFrom...] where cut.map({ signal.time > $0 }) ?? true {
            signals[name, default: []].append(Self.json(signal))
        }
        for action in sentinel.actions[actionsFrom...] where cut.map({ action.time > $0 }) ?? true {
            actions[name, default: []].append(Self.json(action))
        }
    }

    static func json(_ signal: RaisedSignal) -> JSONValue {
        .object([("time", .string(signal.time.iso8601)), ("code", .string(signal.code)),
                 ("severity", .string(signal.severity.rawValue)), ("message", .string(signal.message))])
    }

    static func json(_ action: ActionRecord) -> JSONValue {
        .object([("time", .string(action.time.iso8601)), ("action", .string(action.action)),
                 ("applied", .bool(action.applied)), ("reason", .string(action.reason))])
    }
}
