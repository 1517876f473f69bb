import HaloCore

extension ConfiguratorSpec {
    /// Reads a `max_change` as every input reads it — the Unit Artifact's `configurator`, a
    /// fixture's or a feed's `configure {op: file}` step — so all refuse the same values the
    /// same way: a rate of at least 1 (1.25 lets an increase raise a limit by 25 %; below 1 an
    /// "increase" would shrink it). Throws at `node`'s line with the input's own code.
    public static func parseMaxChange(_ node: YAMLNode) throws(ArtifactError) -> Rate {
        let rate = try node.rate()
        guard rate >= Rate.one else { throw node.error("max_change must be at least 1") }
        return rate
    }
}
