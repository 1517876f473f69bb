import CYaml

/// Bounds on a YAML document, checked on libyaml's event stream before Yams builds a tree.
///
/// Aliases make a small text stand for a huge or deep tree ("billion laughs": nine lines
/// expanding to 10^9 nodes; a chain of 5,000 aliases nesting 5,000 levels). Everything that
/// walks the tree (Yams' composer and its duplicate-key hashing, our converters, the Lua
/// marshalling) would pay for the expanded tree, or overflow the stack on its depth. So the
/// expanded size and depth are computed here from the events, in time linear in the text:
/// each anchor remembers the size and depth of what it names, and an alias counts as that.
///
/// Every YAML document the product reads goes through ``YAMLNode/parse(_:file:code:)`` and so
/// through this check: Halo and Unit Artifacts, fixtures, and whatever is added later.
public enum YAMLBounds {
    /// Deepest nesting of mappings and sequences, aliases expanded.
    public static let maxDepth = 64
    /// Most nodes (scalars, mappings, sequences), aliases expanded.
    public static let maxNodes = 100_000

    /// What an anchor stands for once expanded.
    private struct Extent {
        var nodes: Int
        var depth: Int
    }

    /// One open mapping or sequence.
    private struct Open {
        var anchor: String?
        var nodes: Int
        var depth: Int  // the deepest level reached inside, counting this one
        var level: Int  // this collection's own level (1 for the root)
    }

    /// Throws `code` with the line of the node that crosses a bound. Syntax errors are left
    /// to the composer, which reports them with more context.
    static func check(_ text: String, file: String, code: ArtifactErrorCode) throws(ArtifactError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        // libyaml reads from a buffer that must outlive the parser: a copy we own.
        let utf8 = Array(text.utf8)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, utf8.count))
        defer { buffer.deallocate() }
        _ = buffer.initialize(from: utf8)
        yaml_parser_set_input_string(&parser, buffer.baseAddress, utf8.count)
        do {
            var anchors: [String: Extent] = [:]
            var stack: [Open] = []
            var total = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                func fail(_ message: String) -> ArtifactError {
                    ArtifactError(code, file: file, line: line, field: nil, message)
                }
                // A node at `level` (1 = root) of `extent` expanded size and depth.
                func add(_ extent: Extent, anchor: String?) throws(ArtifactError) {
                    total += extent.nodes
                    guard total <= maxNodes else {
                        throw fail("the document expands to more than \(maxNodes) nodes (aliases counted as what they name)")
                    }
                    let level = (stack.last?.level ?? 0) + extent.depth
                    guard level <= maxDepth else {
                        throw fail("the document nests deeper than \(maxDepth) levels (aliases counted as what they name)")
                    }
                    if let anchor { anchors[anchor] = extent }
                    if !stack.isEmpty {
                        stack[stack.count - 1].nodes += extent.nodes
                        stack[stack.count - 1].depth = max(stack[stack.count - 1].depth, level)
                    }
                }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_DOCUMENT_START_EVENT:
                    anchors = [:]
                case YAML_SCALAR_EVENT:
                    try add(Extent(nodes: 1, depth: 0), anchor: Self.string(event.data.scalar.anchor))
                case YAML_ALIAS_EVENT:
                    // An undefined alias is the composer's error to report.
                    guard let name = Self.string(event.data.alias.anchor), let extent = anchors[name] else { continue }
                    try add(extent, anchor: nil)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let anchor = event.type == YAML_SEQUENCE_START_EVENT
                        ? Self.string(event.data.sequence_start.anchor) : Self.string(event.data.mapping_start.anchor)
                    let level = (stack.last?.level ?? 0) + 1
                    guard level <= maxDepth else {
                        throw fail("the document nests deeper than \(maxDepth) levels")
                    }
                    stack.append(Open(anchor: anchor, nodes: 0, depth: level, level: level))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let open = stack.popLast() else { continue }
                    // Counted relative to the collection: itself plus what it holds.
                    let extent = Extent(nodes: open.nodes + 1, depth: open.depth - open.level + 1)
                    total -= open.nodes  // its children were already counted once
                    try add(extent, anchor: open.anchor)
                default:
                    continue
                }
            }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }
}
