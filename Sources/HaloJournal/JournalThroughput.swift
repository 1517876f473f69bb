/// One measured figure of ``JournalWorkload``: so many operations in so many seconds.
///
/// ```swift
/// JournalThroughput(name: "append batch=100 FULL", operations: 10_000, seconds: 0.2).perSecond  // 50_000
/// ```
public struct JournalThroughput: Hashable, Sendable, Codable, CustomStringConvertible {
    /// What was measured.
    public var name: String
    /// How many records were appended or read.
    public var operations: Int
    /// Wall-clock seconds it took.
    public var seconds: Double

    /// Creates a figure.
    ///
    /// ```swift
    /// let figure = JournalThroughput(name: "read", operations: 1_000_000, seconds: 2.5)
    /// ```
    public init(name: String, operations: Int, seconds: Double) {
        self.name = name
        self.operations = operations
        self.seconds = seconds
    }

    /// Operations per second.
    public var perSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }

    /// `name: N records in S s = R/s`.
    public var description: String {
        let rate = Int(perSecond.rounded())
        let time = (seconds * 1000).rounded() / 1000
        return "\(name): \(operations) records in \(time) s = \(rate) records/s"
    }
}
