import Foundation
import HaloArtifacts

/// What the HTTP handlers read: a copy of the Sentinel's state, replaced after each committed
/// batch by ``SentinelPublisher`` on the Sentinel's thread. Handlers take the lock only to copy
/// a reference out, so a request never holds up the event loop's writes.
public final class ServerState: @unchecked Sendable {
    /// Readiness: nil when ready, else why not (`/readyz` answers 503 with it).
    public struct Readiness: Sendable {
        /// Journal opened.
        public var journalOpen = false
        /// Recovery replayed the journal.
        public var recovered = false
        /// Units whose policy is not loaded, with the reason.
        public var policiesNotLoaded: [String: String] = [:]

        /// Why the Sentinel is not ready, or nil.
        public var reason: String? {
            if !journalOpen { return "journal not open" }
            if !recovered { return "recovery not done" }
            if let (unit, why) = policiesNotLoaded.sorted(by: { $0.key < $1.key }).first { return "policy of \(unit) not loaded: \(why)" }
            return nil
        }
    }

    /// One point of a Unit's time series (chart coordinates: a Double is fine here).
    public struct SeriesPoint: Sendable {
        /// Unix seconds of the Sentinel's clock.
        public var time: Int64
        /// Exchange rate as decimal text (exact) — the dashboard parses it for drawing only.
        public var exchangeRate: String
        /// Subscribe queue backlog, decimal text.
        public var subscribeBacklog: String
        /// Redeem queue backlog, decimal text.
        public var redeemBacklog: String
    }

    private let lock = NSLock()
    private var _readiness = Readiness()
    private var _units: [(String, JSONValue)] = []
    private var _halo: JSONValue = .null
    private var _series: [String: [SeriesPoint]] = [:]
    private var _recent: [String] = []
    private var subscribers: [UUID: AsyncStream<String>.Continuation] = [:]

    /// Points kept per Unit for the dashboard's charts.
    public static let seriesLimit = 2_000
    /// Decision lines a new stream subscriber receives first.
    public static let recentLimit = 200

    /// An empty state: not ready.
    public init() {}

    /// Readiness now.
    public var readiness: Readiness { lock.withLock { _readiness } }

    /// Changes readiness.
    public func updateReadiness(_ change: (inout Readiness) -> Void) { lock.withLock { change(&_readiness) } }

    /// Every Unit's view, in artifact order.
    public var units: [(String, JSONValue)] { lock.withLock { _units } }

    /// The Halo's own view (name, revision, time, counters).
    public var halo: JSONValue { lock.withLock { _halo } }

    /// A Unit's series.
    public func series(of unit: String) -> [SeriesPoint] { lock.withLock { _series[unit] ?? [] } }

    /// Replaces the views (called by the publisher after each committed batch).
    /// Points at the same time as the last one replace it (a chart needs one value per time).
    public func publish(halo: JSONValue, units: [(String, JSONValue)], points: [String: [SeriesPoint]]) {
        lock.withLock {
            _halo = halo
            _units = units
            for (unit, new) in points {
                var series = _series[unit] ?? []
                for point in new {
                    if let last = series.last, last.time == point.time { series.removeLast() }
                    series.append(point)
                }
                if series.count > Self.seriesLimit { series.removeFirst(series.count - Self.seriesLimit) }
                _series[unit] = series
            }
        }
    }

    /// Hands committed decision-log lines to every stream subscriber.
    public func broadcast(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        let targets = lock.withLock {
            _recent.append(contentsOf: lines)
            if _recent.count > Self.recentLimit { _recent.removeFirst(_recent.count - Self.recentLimit) }
            return Array(subscribers.values)
        }
        for continuation in targets { for line in lines { continuation.yield(line) } }
    }

    /// What a stream subscriber gets after the recent lines: the live lines follow.
    public static let caughtUp = ""

    /// A stream of decision-log lines: the recent ones first, then ``caughtUp``, then each line as it commits.
    public func subscribe() -> AsyncStream<String> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        lock.withLock {
            for line in _recent { continuation.yield(line) }
            continuation.yield(Self.caughtUp)
            subscribers[id] = continuation
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return stream
    }

    /// Ends every stream (the server is stopping).
    public func finishStreams() {
        let targets = lock.withLock { defer { subscribers = [:] }; return Array(subscribers.values) }
        for continuation in targets { continuation.finish() }
    }

    private func unsubscribe(_ id: UUID) { _ = lock.withLock { subscribers.removeValue(forKey: id) } }
}
