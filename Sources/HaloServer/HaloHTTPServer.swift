import Foundation
import HaloArtifacts
import Hummingbird
import Logging

/// The HTTP server of `halo run --http`: probes, the `/v1` API, `/metrics` and the dashboard.
///
/// It runs on Swift concurrency's threads beside the Sentinel's loop, in the same process.
/// Reads come from ``ServerState`` (a copy replaced after each committed batch) and from the
/// journal through a reader connection; writes (`POST /v1/events`) go to the journal's inbox,
/// which the loop drains — the server never touches the Sentinel's objects. Routes and shapes
/// are listed in ``OpenAPIDocument`` (`GET /v1/openapi.json`).
public final class HaloHTTPServer: @unchecked Sendable {
    /// Largest `POST /v1/events` body, bytes (413 beyond it).
    public static let defaultMaxBody = 1 << 20

    let state: ServerState
    let metrics: HaloMetrics
    let history: JournalHistory
    let submitter: EventSubmitter
    let token: String?
    let maxBody: Int
    private var task: Task<Void, Error>?

    /// A server over the given state; `token` nil turns `POST /v1/events` off (401).
    public init(state: ServerState, metrics: HaloMetrics, history: JournalHistory, submitter: EventSubmitter,
                token: String?, maxBody: Int = HaloHTTPServer.defaultMaxBody) {
        self.state = state
        self.metrics = metrics
        self.history = history
        self.submitter = submitter
        self.token = token
        self.maxBody = maxBody
    }

    /// Binds `address` and serves in the background; returns the bound address (port 0 picks one).
    /// Throws when the address cannot be bound.
    public func start(_ address: HTTPAddress) throws -> HTTPAddress {
        let bound = BoundBox()
        let app = Application(router: makeRouter(),
                              configuration: .init(address: .hostname(address.host, port: address.port), serverName: "halo"),
                              onServerRunning: { channel in bound.set(.success(channel.localAddress?.port ?? address.port)) },
                              logger: {
                                  // stdout is the decision log: the server logs to stderr, errors only.
                                  var logger = Logger(label: "halo.http") { StreamLogHandler.standardError(label: $0) }
                                  logger.logLevel = .error
                                  return logger
                              }())
        task = Task.detached {
            do { try await app.run() } catch { bound.set(.failure(error)); throw error }
        }
        switch bound.wait() {
        case .success(let port):
            var result = address
            result.port = port
            return result
        case .failure(let error):
            throw error
        }
    }

    /// Stops serving (open event streams end).
    public func stop() {
        state.finishStreams()
        task?.cancel()
    }

    // MARK: Routes

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in Self.json(.object([("status", .string("ok"))])) }
        router.get("/readyz") { [state] _, _ in
            if let reason = state.readiness.reason {
                return Self.json(.object([("status", .string("not-ready")), ("reason", .string(reason))]), status: .serviceUnavailable)
            }
            return Self.json(.object([("status", .string("ready"))]))
        }
        router.get("/v1/status") { [state] _, _ in Self.json(state.halo) }
        router.get("/v1/units") { [state] _, _ in Self.json(.object(state.units)) }
        router.get("/v1/units/:unit") { [state] _, context in
            let name = try context.parameters.require("unit")
            guard let view = state.units.first(where: { $0.0 == name })?.1 else {
                return Self.error("unknown-unit", "no unit '\(name)'", status: .notFound)
            }
            return Self.json(view)
        }
        router.get("/v1/units/:unit/series") { [state] _, context in
            let name = try context.parameters.require("unit")
            guard state.units.contains(where: { $0.0 == name }) else {
                return Self.error("unknown-unit", "no unit '\(name)'", status: .notFound)
            }
            let points = state.series(of: name).map { point in
                JSONValue.object([("time", .int(point.time)), ("exchange_rate", .string(point.exchangeRate)),
                                  ("subscribe_backlog", .string(point.subscribeBacklog)), ("redeem_backlog", .string(point.redeemBacklog))])
            }
            return Self.json(.object([("unit", .string(name)), ("points", .array(points))]))
        }
        router.get("/v1/decisions") { [history] request, _ in try Self.page(history, .decisions, request) }
        router.get("/v1/signals") { [history] request, _ in try Self.page(history, .signals, request) }
        router.get("/v1/events/stream") { [state] _, _ in
            let stream = state.subscribe()
            return Response(status: .ok,
                            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                            body: ResponseBody { writer in
                                try await writer.write(ByteBuffer(string: ": halo decision log\n\n"))
                                for await line in stream {
                                    if line == ServerState.caughtUp {
                                        try await writer.write(ByteBuffer(string: "event: caught-up\ndata: {}\n\n"))
                                    } else {
                                        try await writer.write(ByteBuffer(string: "event: decision\ndata: \(line)\n\n"))
                                    }
                                }
                                try await writer.finish(nil)
                            })
        }
        router.post("/v1/events") { [self] request, _ in try await self.submit(request) }
        router.get("/metrics") { [metrics] _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        router.get("/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: DashboardPage.html)))
        }
        return router
    }

    func submit(_ request: Request) async throws -> Response {
        guard let token else {
            return Self.error("unauthorized", "submitting over HTTP is off: start `halo run` with --http-token-file", status: .unauthorized)
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              Self.constantTimeEqual(String(header.dropFirst("Bearer ".count)), token) else {
            return Self.error("unauthorized", "Authorization: Bearer <token from --http-token-file> is required", status: .unauthorized)
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBody {
            return Self.error("body-too-large", "the body has \(length) bytes; at most \(maxBody)", status: .contentTooLarge)
        }
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: maxBody) } catch {
            return Self.error("body-too-large", "the body is over \(maxBody) bytes", status: .contentTooLarge)
        }
        let text = String(buffer: body)
        do {
            let ids = try submitter.submit(text)
            return Self.json(.object([("accepted", .array(ids.map { .string("inbox:\($0)") }))]), status: .accepted)
        } catch {
            return Self.error(error.code, error.message, status: error.code == "not-ready" ? .serviceUnavailable : .badRequest)
        }
    }

    static func page(_ history: JournalHistory, _ kind: JournalHistory.Kind, _ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        let unit = query["unit"].map(String.init)
        var since: Int64 = 0
        if let text = query["since"] {
            guard let value = Int64(text), value >= 0 else {
                return error("bad-request", "since is a journal sequence (the previous page's next), not '\(text)'", status: .badRequest)
            }
            since = value
        }
        var limit = 100
        if let text = query["limit"] {
            guard let value = Int(text), value > 0 else { return error("bad-request", "limit is a positive integer, not '\(text)'", status: .badRequest) }
            limit = min(value, JournalHistory.maxLimit)
        }
        let page = try history.page(kind, unit: unit, since: since, limit: limit)
        return json(.object([("items", .array(page.items)), ("next", page.next.map { .int($0) } ?? .null)]))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized() + "\n")))
    }

    static func error(_ code: String, _ message: String, status: HTTPResponse.Status) -> Response {
        json(.object([("error", .object([("code", .string(code)), ("message", .string(message))]))]), status: status)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = x.count ^ y.count
        for index in 0..<max(x.count, y.count) {
            difference |= Int((index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0))
        }
        return difference == 0
    }
}

/// Hands the bound port (or the bind failure) from the server's task to `start`.
final class BoundBox: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<Int, Error>?

    func set(_ value: Result<Int, Error>) {
        let first = lock.withLock { () -> Bool in
            guard result == nil else { return false }
            result = value
            return true
        }
        if first { semaphore.signal() }
    }

    func wait() -> Result<Int, Error> {
        semaphore.wait()
        return lock.withLock { result! }
    }
}
