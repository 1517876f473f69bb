import HaloArtifacts
import HaloCore

extension UnitSentinel {
    /// The last manager report the Unit received: its time and fields (name to decimal text).
    public var lastReport: (time: Timestamp, fields: [(name: String, value: String)])? {
        guard let report = reports.last else { return nil }
        return (report.time, report.fields.map { ($0.name, Self.text($0.value)) })
    }

    static func text(_ value: ReportValue) -> String {
        switch value {
        case .amount(let amount): return amount.description
        case .text(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .list(let items): return "[" + items.map(text).joined(separator: ", ") + "]"
        case .record(let fields): return "{" + fields.map { "\($0.name): \(text($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// The policy the Unit runs now; nil while none is loaded.
    public var policyLoaded: Bool { policy != nil && policyLoadFailure == nil }
}
