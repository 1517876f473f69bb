import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal server-sent-events reader over a plain loopback socket (URLSession buffers
/// streamed bodies on Linux): sends the GET, then hands out each `data:` line as JSON.
final class EventStreamClient {
    let descriptor: Int32
    var buffer = ""
    var event = ""
    /// True once the server said the recent lines are done (`event: caught-up`).
    var caughtUp = false

    struct Failure: Error, CustomStringConvertible { var description: String }

    init(base: String, path: String = "/v1/events/stream") throws {
        guard let url = URL(string: base), let host = url.host, let port = url.port else { throw Failure(description: "bad base \(base)") }
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(); throw Failure(description: "connect failed") }
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nAccept: text/event-stream\r\n\r\n"
        _ = request.withCString { send(descriptor, $0, strlen($0), 0) }
    }

    /// The next decision-log line, waiting at most `timeout` seconds.
    func next(timeout: Int) throws -> [String: Any] {
        var spent = 0
        while true {
            while let range = buffer.range(of: "\n") {
                let line = String(buffer[..<range.lowerBound])
                buffer.removeSubrange(..<range.upperBound)
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)); if event == "caught-up" { caughtUp = true } }
                if line.hasPrefix("data: "), event == "decision",
                   let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any] {
                    return object
                }
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 1_000)
            if ready == 0 {
                spent += 1
                if spent >= timeout { throw Failure(description: "no event within \(timeout) s") }
                continue
            }
            var bytes = [UInt8](repeating: 0, count: 65_536)
            let count = recv(descriptor, &bytes, bytes.count, 0)
            guard count > 0 else { throw Failure(description: "stream closed") }
            // Chunked transfer encoding: chunk-size lines are not `data:` lines, so they are skipped.
            buffer += String(decoding: bytes[0..<count], as: UTF8.self)
        }
    }

    func close() { _ = Glibc.close(descriptor) }
}
