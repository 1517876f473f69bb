import HaloCore

/// One event of a `halo run` feed: a fixture step plus the Unit it is for and an id.
///
/// A feed is JSON lines; `{"unit":"tbill-a","at":"2026-03-02T09:00:00Z","subscribe":{"account":"alice","amount":"1000"}}`.
/// The id defaults to `file:line`, so re-reading the same feed after a crash skips what the
/// journal already holds.
public struct FeedEvent: Sendable {
    /// The idempotency key.
    public var id: String
    /// The Unit's name.
    public var unit: String
    /// When it happens; nil means "now" (real clock) or "at the previous event's time" (sim).
    public var time: Timestamp?
    /// What it does.
    public var step: FixtureStep
    /// The event's JSON text, as received.
    public var text: String
    /// The event as parsed JSON (what the journal keeps).
    public var json: JSONValue

    /// Parses one feed line; `units` are the Halo's Units by name.
    ///
    /// Throws `event-invalid` (with `file:line`) when the line is not strict JSON within
    /// ``JSONParser/Limits/event`` or its id breaks ``checkID(_:)``; `fixture-invalid` when it
    /// is JSON but not a valid step.
    public static func parse(_ text: String, file: String, line: Int, units: [String: UnitArtifact]) throws(ArtifactError) -> FeedEvent {
        let json = try parseJSON(text, file: file, line: line)
        return try parse(json, text: text, file: file, line: line, units: units, intake: true)
    }

    /// Parses an already decoded event (journal recovery reads events this way). `intake`: a
    /// new event, whose amounts and rates must be JSON strings (`"amount":"1000"`, not
    /// `1000`); false for an event read back from a journal, which was accepted once and is
    /// read as it was then.
    public static func parse(_ json: JSONValue, text: String, file: String, line: Int, units: [String: UnitArtifact],
                             intake: Bool = false) throws(ArtifactError) -> FeedEvent {
        let node = YAMLNode(json: json, file: file, code: .fixtureInvalid, decimalStringsOnly: intake)
        do throws(ArtifactError) {
            guard node.isMapping else { throw node.error("an event is one JSON object per line") }
            let unitName = try node.required("unit").name()
            guard let unit = units[unitName] else {
                throw try node.required("unit").error("unknown unit '\(unitName)' (known: \(units.keys.sorted().joined(separator: ", ")))")
            }
            guard try node.optional("after") == nil else { throw node.error("feed events use 'at' (absolute), not 'after'") }
            let id: String
            if let given = try node.optional("id") {
                guard case .json(.string(let text)) = given.storage else { throw given.error("an event id is a JSON string") }
                if let problem = checkID(text) { throw given.error(problem, code: .eventInvalid) }
                id = text
            } else {
                id = "\(file):\(line)"
            }
            let step = try FixtureStep.parse(node, index: line, context: StepContext(unit: unit, file: file))
            var time: Timestamp?
            if case .at(let at) = step.time { time = at }
            if case .reload = step.action { throw node.error("reload is not a feed event; use --watch to reload policies") }
            if case .expect = step.action { throw node.error("expect is not a feed event") }
            return FeedEvent(id: id, unit: unitName, time: time, step: FixtureStep(index: line, line: line, time: step.time,
                                                                                   action: step.action, expectError: step.expectError, actor: step.actor),
                             text: text, json: json)
        } catch {
            // Errors inside a one-line document point at line 1 of it: report the feed's line.
            throw ArtifactError(error.code, file: file, line: line, field: error.field, error.message)
        }
    }
}
