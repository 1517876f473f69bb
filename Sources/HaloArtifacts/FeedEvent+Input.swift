import Foundation

// The bytes-to-event boundary: what a feed line or a submitted event must be before it is
// looked at as a step. Everything refused here is `event-invalid`, with the line.
extension FeedEvent {
    /// Longest event id, in UTF-8 bytes.
    public static let maxIDBytes = 256

    /// Why `id` cannot be an event id, or nil when it can.
    ///
    /// An id is 1 to 256 bytes of UTF-8 with no control character (U+0000-U+001F,
    /// U+007F-U+009F) and in Unicode normal form C. The rule exists so that an id has one
    /// identity everywhere it is kept: SQLite text stops at a NUL, and Swift compares strings
    /// by canonical equivalence while SQLite compares bytes; for NFC text without controls
    /// the three agree, so exactly-once holds for every id that is accepted.
    ///
    /// ```swift
    /// FeedEvent.checkID("wire-2026-03-02-001")  // nil
    /// FeedEvent.checkID("wire\u{0}A")           // "an event id may not contain control characters (U+0000 at byte 5)"
    /// ```
    public static func checkID(_ id: String) -> String? {
        let bytes = id.utf8.count
        guard bytes > 0, bytes <= maxIDBytes else {
            return "an event id is 1 to \(maxIDBytes) bytes of UTF-8 (this one is \(bytes))"
        }
        var offset = 0
        for scalar in id.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                return "an event id may not contain control characters (U+\(String(repeating: "0", count: 4 - hex.count) + hex) at byte \(offset + 1))"
            }
            offset += UTF8.width(scalar)
        }
        if !id.utf8.allSatisfy({ $0 < 0x80 }), !id.precomposedStringWithCanonicalMapping.utf8.elementsEqual(id.utf8) {
            return "an event id must be in Unicode normal form C (compose accents: 'é', not 'e' + U+0301)"
        }
        return nil
    }

    /// Parses a line's JSON within ``JSONParser/Limits/event``; a failure is `event-invalid`
    /// naming `file:line`. Also checks a top-level `"id"` by ``checkID(_:)``, so `halo submit`
    /// refuses such an event even before the Halo's Units are known.
    public static func parseJSON(_ text: String, file: String, line: Int) throws(ArtifactError) -> JSONValue {
        if text == invalidUTF8Line {
            throw ArtifactError(.eventInvalid, file: file, line: line, field: nil, "the line is not valid UTF-8")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(text, limits: .event)
        } catch {
            throw ArtifactError(.eventInvalid, file: file, line: line, field: nil, "malformed JSON: \(error)")
        }
        if case .string(let id)? = json["id"], let problem = checkID(id) {
            throw ArtifactError(.eventInvalid, file: file, line: line, field: "id", problem)
        }
        return json
    }

    /// Stands for a line whose bytes are not UTF-8 (a NUL never starts a JSON text, so no
    /// real line equals it); ``parseJSON(_:file:line:)`` refuses it as `event-invalid`.
    static let invalidUTF8Line = "\u{0}not UTF-8"

    /// Splits feed bytes into lines numbered from 1, decoding each as strict UTF-8. A line
    /// that is not UTF-8 is kept (so it is refused with its line number, not silently
    /// repaired into different text) as a line that ``parse(_:file:line:units:)`` refuses.
    ///
    /// ```swift
    /// let lines = FeedEvent.lines(of: Array(data))   // [(text: "{...}", line: 1), ...]
    /// ```
    public static func lines(of data: some Collection<UInt8>) -> [(text: String, line: Int)] {
        data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated().map { offset, bytes in
            (String(validating: bytes, as: UTF8.self) ?? invalidUTF8Line, offset + 1)
        }
    }
}
