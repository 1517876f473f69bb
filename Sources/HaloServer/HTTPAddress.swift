/// Where `--http` binds: `HOST:PORT`, `:PORT` or `PORT` (loopback, 127.0.0.1, unless a host is given).
public struct HTTPAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host to bind.
    public var host: String
    /// The port; 0 picks a free one (the bound address is printed on stderr).
    public var port: Int

    /// Parses the `--http` value; nil when it is not an address.
    public init?(parsing text: String) {
        var hostPart = "127.0.0.1"
        var portPart = Substring(text)
        if let colon = text.lastIndex(of: ":") {
            let host = text[..<colon]
            if !host.isEmpty { hostPart = String(host.hasPrefix("[") && host.hasSuffix("]") ? host.dropFirst().dropLast() : host) }
            portPart = text[text.index(after: colon)...]
        }
        guard let port = Int(portPart), (0...65_535).contains(port) else { return nil }
        host = hostPart
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
