extension PolicyLimits {
    /// Parses a `limits` mapping (`{ instructions, memory, time }`, each optional) of a Unit or
    /// Prime Artifact. Every value is range-checked here, once for both artifact kinds
    /// (``rangeProblem(instructions:)`` and its siblings), so a budget that would overflow a
    /// deadline or starve the sandbox is refused at load with its line (`artifact-invalid`).
    ///
    /// `place` names the accepted fields in ``ArtifactFields`` (`unit.limits`, `prime.limits`).
    static func parse(_ node: YAMLNode, place: String) throws(ArtifactError) -> PolicyLimits {
        try node.allowOnly(place: place)
        var limits = PolicyLimits.standard
        if let value = try node.optional("instructions") {
            limits.instructions = try value.int()
            if let problem = rangeProblem(instructions: limits.instructions) { throw value.error(problem) }
        }
        if let value = try node.optional("memory") {
            limits.memoryBytes = try UnitArtifact.byteSize(value)
            if let problem = rangeProblem(memoryBytes: limits.memoryBytes) { throw value.error(problem) }
        }
        if let value = try node.optional("time") {
            let span = try value.timeSpan()
            guard span.milliseconds > 0 else { throw value.error("time must be positive") }
            if let problem = rangeProblem(wallTimeMilliseconds: Int(span.milliseconds)) { throw value.error(problem) }
            limits.wallTimeMilliseconds = Int(span.milliseconds)
        }
        return limits
    }
}
