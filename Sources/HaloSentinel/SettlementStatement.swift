import Crypto
import Foundation
import HaloArtifacts
import HaloCore

/// A failure checking a settlement statement.
public struct StatementError: Error, Sendable, CustomStringConvertible {
    /// `statement-invalid` (unreadable input, exit 2) or `statement-mismatch` (does not verify, exit 1).
    public var code: String
    /// Why.
    public var message: String
    public var description: String { "\(code): \(message)" }

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    static func invalid(_ message: String) -> StatementError { StatementError(code: "statement-invalid", message: message) }
    static func mismatch(_ message: String) -> StatementError { StatementError(code: "statement-mismatch", message: message) }
}

/// Settlement statements: canonical JSON, Ed25519 signing and verification, key files, text
/// and HTML renderings. The schema is docs/reference/statement.md (`halo.statement/1`).
///
/// ```swift
/// let key = Curve25519.Signing.PrivateKey()
/// let signed = try SettlementStatement.sign(statement, with: key)          // {"statement":{...},"signature":{...}}
/// try SettlementStatement.verifySignature(of: signed, key: key.publicKey)  // throws statement-mismatch when altered
/// ```
public enum SettlementStatement {
    /// The schema identifier every statement carries in `schema`.
    public static let schema = "halo.statement/1"

    /// Canonical JSON: object keys sorted by their UTF-8 bytes, no whitespace, strings escaped
    /// as in JSON (`\"`, `\\`, `\n`, `\r`, `\t`, other control characters `\u00XX`, everything
    /// else verbatim UTF-8), integers in decimal. Amounts and rates are strings, so no number
    /// formatting question arises. This is the byte string a signature covers.
    public static func canonical(_ value: JSONValue) -> String { sorted(value).serialized() }

    static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let pairs):
            return .object(pairs.map { ($0.0, sorted($0.1)) }.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) })
        case .array(let values): return .array(values.map(sorted))
        default: return value
        }
    }

    /// `new - previous` as a signed decimal string (`"+0.0001"`, `"-0.02"`, `"0"`), exact.
    public static func change(from previous: String, to new: String) -> String {
        guard let a = try? Rate(parsing: previous), let b = try? Rate(parsing: new) else { return "0" }
        if a == b { return "0" }
        if b > a, let difference = try? b.wad.subtracting(a.wad) { return "+" + Rate(wad: difference).description }
        if let difference = try? a.wad.subtracting(b.wad) { return "-" + Rate(wad: difference).description }
        return "0"
    }

    // MARK: Signing

    /// `{"statement": <statement>, "signature": {"algorithm": "ed25519", "public_key": <hex>, "value": <hex>}}`;
    /// the signature covers the UTF-8 bytes of `canonical(statement)`.
    public static func sign(_ statement: JSONValue, with key: Curve25519.Signing.PrivateKey) throws -> JSONValue {
        let signature = try key.signature(for: Data(canonical(statement).utf8))
        return .object([("statement", statement), ("signature", .object([
            ("algorithm", .string("ed25519")), ("public_key", .string(hex(key.publicKey.rawRepresentation))),
            ("value", .string(hex(signature))),
        ]))])
    }

    /// Checks a signed document against `key`; throws `statement-mismatch` with the reason.
    public static func verifySignature(of document: JSONValue, key: Curve25519.Signing.PublicKey) throws(StatementError) {
        guard let statement = document["statement"], let signature = document["signature"] else {
            throw StatementError.invalid("a signed statement is {\"statement\": ..., \"signature\": ...}")
        }
        guard case .string("ed25519")? = signature["algorithm"] else { throw StatementError.invalid("signature.algorithm must be ed25519") }
        guard case .string(let text)? = signature["value"], let value = unhex(text) else { throw StatementError.invalid("signature.value is not hex") }
        guard key.isValidSignature(value, for: Data(canonical(statement).utf8)) else {
            throw StatementError.mismatch("the Ed25519 signature does not match the statement's canonical JSON (statement or signature altered, or another key)")
        }
    }

    // MARK: Key files

    /// Writes a new key pair: `path` holds the 32-byte private key (seed) as 64 hex digits and a
    /// newline, `path.pub` the 32-byte public key the same way. The private file is mode 0600.
    ///
    /// Never overwrites: when `path` or `path.pub` exists it throws `key-exists` and writes
    /// nothing (a replaced key pair could no longer verify the statements signed with the old
    /// one). The private key file is created with mode 0600 from the start (no moment in which
    /// another user could read it), and both files are synced before this returns.
    public static func generateKey(at path: String) throws(StatementError) -> Curve25519.Signing.PublicKey {
        for file in [path, path + ".pub"] where FileManager.default.fileExists(atPath: file) {
            throw StatementError(code: "key-exists", message: "\(file) exists: keygen never overwrites a key (statements signed with it could no longer be verified); choose another name, or move the old pair away yourself")
        }
        let key = Curve25519.Signing.PrivateKey()
        try writeNewFile(path, hex(key.rawRepresentation) + "\n", mode: 0o600)
        try writeNewFile(path + ".pub", hex(key.publicKey.rawRepresentation) + "\n", mode: 0o644)
        return key.publicKey
    }

    /// Creates `path` (it must not exist: O_EXCL) with `mode`, writes `text` and syncs it.
    static func writeNewFile(_ path: String, _ text: String, mode: mode_t) throws(StatementError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw StatementError(code: errno == EEXIST ? "key-exists" : "statement-invalid", message: "\(path): cannot create: \(reason)")
        }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw StatementError(code: "statement-invalid", message: "\(path): cannot write: \(String(cString: strerror(errno)))") }
            written += n
        }
        guard fsync(fd) == 0 else { throw StatementError(code: "statement-invalid", message: "\(path): cannot sync: \(String(cString: strerror(errno)))") }
    }

    /// Reads a private key file (64 hex digits).
    public static func privateKey(at path: String) throws(StatementError) -> Curve25519.Signing.PrivateKey {
        do { return try Curve25519.Signing.PrivateKey(rawRepresentation: try keyBytes(at: path)) } catch let error as StatementError { throw error }
        catch { throw StatementError.invalid("\(path): not an Ed25519 private key: \(error)") }
    }

    /// Reads a public key file (64 hex digits).
    public static func publicKey(at path: String) throws(StatementError) -> Curve25519.Signing.PublicKey {
        do { return try Curve25519.Signing.PublicKey(rawRepresentation: try keyBytes(at: path)) } catch let error as StatementError { throw error }
        catch { throw StatementError.invalid("\(path): not an Ed25519 public key: \(error)") }
    }

    static func keyBytes(at path: String) throws(StatementError) -> Data {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw StatementError.invalid("\(path): cannot read the key file")
        }
        guard let bytes = unhex(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw StatementError.invalid("\(path): a key file holds 32 bytes as 64 hex digits")
        }
        return bytes
    }

    static func hex<D: DataProtocol>(_ data: D) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        for byte in data { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return out
    }

    static func unhex(_ text: String) -> Data? {
        let bytes = Array(text.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var data = Data(capacity: bytes.count / 2)
        var index = 0
        while index < bytes.count {
            guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else { return nil }
            data.append(high << 4 | low)
            index += 2
        }
        return data
    }

    // MARK: Renderings

    /// The statement as text for a terminal.
    public static func text(_ s: JSONValue) -> String {
        func str(_ value: JSONValue?) -> String {
            switch value {
            case .string(let text)?: return text
            case .int(let number)?: return String(number)
            case .null?, nil: return "-"
            case .some(let other): return other.serialized()
            }
        }
        var lines = ["Settlement statement \(str(s["halo"]))/\(str(s["unit"])) epoch \(str(s["epoch"])) (\(str(s["schema"])))",
                     "settled \(str(s["settled_at"])), opened \(str(s["opened_at"])), revision \(str(s["revision"]))",
                     "policy \(str(s["policy"]?["file"])) sha256 \(str(s["policy"]?["sha256"]))",
                     "exchange rate \(str(s["exchange_rate"]?["previous"])) -> \(str(s["exchange_rate"]?["new"])) (\(str(s["exchange_rate"]?["change"])))"]
        for queue in ["subscribe", "redeem"] {
            lines.append("\(queue) queue \(str(s["queues"]?[queue]?["before"])) -> \(str(s["queues"]?[queue]?["after"]))")
        }
        lines.append("converted: subscribe \(str(s["converted"]?["subscribe"]?["underlying"])) -> \(str(s["converted"]?["subscribe"]?["shares"])) shares; redeem \(str(s["converted"]?["redeem"]?["shares"])) shares -> \(str(s["converted"]?["redeem"]?["underlying"]))")
        for side in ["opening", "closing"] {
            lines.append("\(side) balances:")
            for group in ["accounts", "unit_accounts"] {
                if case .object(let accounts)? = s["balances"]?[side]?[group] {
                    for (account, assets) in accounts { lines.append("  \(account) \(assets.serialized())") }
                }
            }
        }
        if case .array(let signals)? = s["signals"] {
            for signal in signals { lines.append("signal \(str(signal["time"])) \(str(signal["code"])) \(str(signal["severity"])): \(str(signal["message"]))") }
        }
        if case .array(let actions)? = s["actions"] {
            for action in actions { lines.append("action \(str(action["time"])) \(str(action["action"])) applied=\(str(action["applied"])): \(str(action["reason"]))") }
        }
        lines.append("rests on journal record \(str(s["journal"]?["seq"])) hash \(str(s["journal"]?["hash"]))")
        return lines.joined(separator: "\n")
    }

    /// The statement as one self-contained HTML page (no scripts, no external resources).
    public static func html(_ s: JSONValue) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let rows = text(s).split(separator: "\n").map { "<tr><td>\(escape(String($0)))</td></tr>" }.joined(separator: "\n")
        var title = "Settlement statement"
        if case .string(let unit)? = s["unit"], case .string(let epoch)? = s["epoch"] { title += " \(unit) \(epoch)" }
        return """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>body{font-family:system-ui,sans-serif;margin:2em}td{font-family:monospace;padding:2px 8px}pre{background:#f4f4f4;padding:1em}</style>
        </head><body><h1>\(escape(title))</h1>
        <table>
        \(rows)
        </table>
        <h2>Canonical JSON</h2><pre>\(escape(canonical(s)))</pre>
        </body></html>
        """
    }
}
