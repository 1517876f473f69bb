import HaloArtifacts
import HaloCore

/// The money a candidate policy would have moved differently for one Unit: both worlds'
/// flows, their signed differences (candidate minus recorded) and the exchange-rate paths
/// side by side.
public struct MoneyImpact: Sendable {
    /// The Unit.
    public var unit: String
    /// The recorded history's flows.
    public var recorded: MoneyFlows
    /// The candidate world's flows.
    public var candidate: MoneyFlows

    /// True when both worlds moved exactly the same money at the same rates.
    public var isZero: Bool { recorded == candidate }

    /// `candidate - recorded` as a signed decimal string (`"+200000"`, `"-1.5"`, `"0"`).
    public static func delta(_ recorded: Amount, _ candidate: Amount) -> String {
        if candidate == recorded { return "0" }
        if candidate > recorded {
            return "+" + ((try? candidate.subtracting(recorded))?.description ?? "?")
        }
        return "-" + ((try? recorded.subtracting(candidate))?.description ?? "?")
    }

    /// Every instant either rate path changes, with both worlds' rate at that instant.
    public var ratePath: [(time: Timestamp, recorded: Rate, candidate: Rate)] {
        let times = Set(recorded.ratePath.map(\.time)).union(candidate.ratePath.map(\.time)).sorted()
        func rate(_ path: [(time: Timestamp, rate: Rate)], at time: Timestamp) -> Rate {
            path.last { $0.time <= time }?.rate ?? path.first?.rate ?? .one
        }
        return times.map { ($0, rate(recorded.ratePath, at: $0), rate(candidate.ratePath, at: $0)) }
    }

    /// The JSON form (docs/replay.md).
    public func json() -> JSONValue {
        .object([
            ("recorded", recorded.json()), ("candidate", candidate.json()),
            ("delta", .object([
                ("to_manager", .string(Self.delta(recorded.toManager, candidate.toManager))),
                ("from_manager", .string(Self.delta(recorded.fromManager, candidate.fromManager))),
                ("shares_minted", .string(Self.delta(recorded.sharesMinted, candidate.sharesMinted))),
                ("shares_burned", .string(Self.delta(recorded.sharesBurned, candidate.sharesBurned))),
            ])),
            ("exchange_rate_path", .array(ratePath.map {
                .object([("time", .string($0.time.iso8601)), ("recorded", .string($0.recorded.description)),
                         ("candidate", .string($0.candidate.description))])
            })),
        ])
    }
}
