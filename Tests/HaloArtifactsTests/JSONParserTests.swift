import Foundation
import Testing
@testable import HaloArtifacts

/// Issue 9, kinds 7 and 8: the feed/submit/journal JSON reader is strict RFC 8259, linear,
/// bounded, and never traps; event ids have one identity everywhere.
@Suite struct JSONParserTests {
    func refuses(_ text: String, limits: JSONParser.Limits = .document, containing: String? = nil) {
        do {
            let value = try JSONParser.parse(text, limits: limits)
            Issue.record("accepted \(text.debugDescription) as \(value)")
        } catch {
            if let containing { #expect(error.message.contains(containing), "\(error)") }
        }
    }

    @Test func surrogatesMustPair() throws {
        refuses(#""\uD800\u0041""#, containing: "low surrogate")
        refuses(#""\uD800\uE000""#, containing: "low surrogate")
        refuses(#""\uD800\uD800""#, containing: "low surrogate")
        refuses(#""\uDC00""#, containing: "lone low surrogate")
        refuses(#""\uD800""#, containing: "lone high surrogate")
        refuses(#""\uD800x""#, containing: "lone high surrogate")
        refuses(#""\uDBFF\""#)
        #expect(try JSONParser.parse(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try JSONParser.parse(#""\u00e9\u0000""#) == .string("é\u{0}"))
    }

    @Test func strictGrammar() throws {
        for text in ["01", "-", "1.", ".5", "+1", "1e", "1e+", "--1", "1-2", "NaN", "Infinity", "[1,]", "{\"a\":1,}",
                     "[1 2]", "tru", "nul", "\u{FEFF}{}", "{'a':1}", "{\"a\" 1}", "\"\t\"", "\"\\x\"", "// c\n1", "[", "", " "] {
            refuses(text)
        }
        #expect(try JSONParser.parse("-0") == .int(0))
        #expect(try JSONParser.parse("[1.5e-3, -12.0E+1, 0.25]") == .array([.string("1.5e-3"), .string("-12.0E+1"), .string("0.25")]))
        #expect(try JSONParser.parse("9223372036854775808") == .string("9223372036854775808"))
        #expect(try JSONParser.parse(" {\"a\" : [true,false,null]}\r\n") == .object([("a", .array([.bool(true), .bool(false), .null]))]))
    }

    @Test func duplicateKeysAreRefused() {
        refuses(#"{"a":1,"b":2,"a":3}"#, containing: "duplicate key 'a'")
    }

    /// 20,000 distinct fields took about 15 s (a quadratic duplicate check); now one hash set.
    /// No clock here (tests assert no timings): the figure is in the report; this checks the
    /// document parses and that the last and first keys are kept in order.
    @Test func twentyThousandFieldsParse() throws {
        let fields = (0..<20_000).map { "\"field_\($0)\":\"\($0)\"" }.joined(separator: ",")
        let text = #"{"unit":"tbill-a","report":{"# + fields + "}}"
        #expect(text.utf8.count > 250_000)
        let value = try JSONParser.parse(text, limits: .event)
        guard case .object(let report)? = value["report"] else { Issue.record("no report"); return }
        #expect(report.count == 20_000 && report.first?.0 == "field_0" && report.last?.0 == "field_19999")
    }

    @Test func eventBounds() throws {
        let limits = JSONParser.Limits.event
        refuses("\"" + String(repeating: "x", count: limits.maxBytes!) + "\"", limits: limits, containing: "longer than")
        refuses(String(repeating: "[", count: 65) + String(repeating: "]", count: 65), limits: limits, containing: "deeper than 64")
        _ = try JSONParser.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64), limits: limits)
        refuses("[" + Array(repeating: "0", count: limits.maxValues!).joined(separator: ",") + "]", limits: limits, containing: "more than")
        // Depth is bounded for every document (the journal's too), so nothing recurses without bound.
        refuses(String(repeating: "[", count: 100_000), containing: "deeper than")
    }

    @Test func roundTripIsExact() throws {
        let text = #"{"s":"a\"b\\c\u0001\n\u2028é😀","n":-12,"big":"1.5","l":[null,true,{}],"o":{}}"#
        let value = try JSONParser.parse(text)
        #expect(try JSONParser.parse(value.serialized()) == value)
    }

    // MARK: Event ids (kind 8)

    @Test func eventIDRule() {
        #expect(FeedEvent.checkID("wire-2026-03-02-001") == nil)
        #expect(FeedEvent.checkID("wire é 😀") == nil)
        #expect(FeedEvent.checkID("wire\u{0}A")?.contains("U+0000 at byte 5") == true)
        #expect(FeedEvent.checkID("a\u{7F}") != nil && FeedEvent.checkID("a\u{85}") != nil && FeedEvent.checkID("a\tb") != nil)
        #expect(FeedEvent.checkID("") != nil)
        #expect(FeedEvent.checkID(String(repeating: "x", count: 256)) == nil)
        #expect(FeedEvent.checkID(String(repeating: "x", count: 257)) != nil)
        #expect(FeedEvent.checkID("e\u{301}")?.contains("normal form C") == true)
    }

    @Test func feedLinesRefuseBadIDsAndBadUTF8WithTheirLine() {
        let bytes = Array(#"{"id":"wire\u0000A","unit":"u","tick":{}}"#.utf8) + [0x0A, 0xFF, 0x0A]
        let lines = FeedEvent.lines(of: bytes)
        #expect(lines.count == 3)
        for (text, line) in lines.prefix(2) {
            do {
                _ = try FeedEvent.parseJSON(text, file: "feed.jsonl", line: line)
                Issue.record("line \(line) accepted")
            } catch {
                #expect(error.code == .eventInvalid && error.line == line && error.file == "feed.jsonl", "\(error)")
            }
        }
    }
}

/// A new event's amounts and rates are JSON strings ("1000"), as every amount in the product's
/// JSON: a JSON number is refused at intake (feed line, `halo submit`, `POST /v1/events`, all
/// through `FeedEvent.parse(_:file:line:units:)`), naming the field and the string to write.
/// An event read back from a journal is read as it was accepted.
@Suite struct EventAmountsAreStringsTests {
    static let units: [String: UnitArtifact] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let halo = try! HaloArtifact.load(path: root.appendingPathComponent("examples/passthrough-alpha/halo.yaml").path)
        return Dictionary(uniqueKeysWithValues: halo.units.map { ($0.name, $0) })
    }()

    @Test(arguments: [
        (#"{"unit":"tbill-a","fund":{"account":"x","asset":"USDS","amount":1000}}"#, "fund.amount", "\"1000\""),
        (#"{"unit":"tbill-a","subscribe":{"account":"x","amount":5}}"#, "subscribe.amount", "\"5\""),
        (#"{"unit":"tbill-a","report":{"nav":1,"price":"1","holdings":"0","capacity":"1","liquidity":"1"}}"#, "report.nav", "\"1\""),
    ])
    func aJSONNumberIsRefusedAtIntake(line: String, field: String, hint: String) {
        do {
            _ = try FeedEvent.parse(line, file: "feed.jsonl", line: 3, units: Self.units)
            Issue.record("accepted: \(line)")
        } catch {
            #expect(error.code == .fixtureInvalid && error.line == 3, "\(error)")
            #expect(error.description.contains(field) && error.description.contains("decimal string: \(hint)"), "\(error)")
        }
    }

    @Test func theSameEventAsStringsIsAcceptedAndAJournaledOneIsReadAsItWas() throws {
        _ = try FeedEvent.parse(#"{"unit":"tbill-a","fund":{"account":"x","asset":"USDS","amount":"1000"}}"#, file: "feed.jsonl", line: 1, units: Self.units)
        let recorded = try JSONParser.parse(#"{"unit":"tbill-a","fund":{"account":"x","asset":"USDS","amount":1000}}"#)
        _ = try FeedEvent.parse(recorded, text: "", file: "journal", line: 7, units: Self.units)
    }
}
