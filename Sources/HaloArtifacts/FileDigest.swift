import Crypto
import Foundation

/// SHA-256 digests of files, for policy and template pins.
public enum FileDigest {
    /// The lowercase hex SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The lowercase hex SHA-256 of the file at `path`, or nil when it cannot be read.
    public static func sha256(ofFile path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return sha256(data)
    }

    /// True for a 64-digit lowercase or uppercase hex string.
    public static func isDigest(_ text: String) -> Bool {
        text.count == 64 && text.allSatisfy { $0.isHexDigit }
    }
}

/// Path helpers: artifacts name files relative to themselves.
public enum ArtifactPath {
    /// `relative` resolved against the directory of `file` (absolute paths pass through), normalised.
    public static func resolve(_ relative: String, against file: String) -> String {
        if relative.hasPrefix("/") { return normalize(relative) }
        let directory = (file as NSString).deletingLastPathComponent
        return normalize((directory.isEmpty ? "." : directory) + "/" + relative)
    }

    /// Removes `.` and `..` components where possible.
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [String] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if component == "..", absolute, parts.isEmpty { continue }
            parts.append(String(component))
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Reads a text file or throws an error located at `node`.
    static func readText(_ path: String, code: ArtifactErrorCode, referencedFrom node: YAMLNode?) throws(ArtifactError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            if let node { throw node.error("cannot read '\(path)': no such file") }
            throw ArtifactError(code, file: path, line: nil, field: nil, "cannot read file: no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ArtifactError(code, file: path, line: nil, field: nil, "the file is not UTF-8 text")
        }
        return text
    }
}
