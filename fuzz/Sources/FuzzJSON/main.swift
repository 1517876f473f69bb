import FuzzSupport
import HaloArtifacts

// Feed lines and `halo submit` events: strict JSON within the event bounds, then a step.
// Oracles: never trap; a text the parser accepts serializes to a text it accepts again as
// the same value; every refusal is an ArtifactError (typed throws make that a compile fact).
let units = ["fuzz-a": FuzzWorkspace.unit]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    for (text, line) in FeedEvent.lines(of: bytes) {
        if let value = try? JSONParser.parse(text, limits: .event) {
            let again = value.serialized()
            guard let reread = try? JSONParser.parse(again), reread == value else {
                fatalError("round trip changed the value: \(text.debugDescription) -> \(again.debugDescription)")
            }
        }
        _ = try? FeedEvent.parse(text, file: "fuzz.jsonl", line: line, units: units)
    }
    return 0
}

@_cdecl("FuzzJSON_main")
public func fuzzJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, { data, size in fuzzJSON(data, size) })
}
