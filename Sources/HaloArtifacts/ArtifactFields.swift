/// The one table of every field the loaders accept, by place in a document.
///
/// The loaders pass these sets to ``YAMLNode/allowOnly(_:)`` (so the "unknown field (known:
/// ...)" lists come from here), and a test checks that every field named here appears in the
/// reference pages under `docs/reference/`: a field added to the code without its
/// documentation fails the build's tests.
///
/// Keys are places (`unit`, `unit.assets`, `fixture`, `step.subscribe`, `expect.queues.<q>`),
/// values the accepted field names.
public enum ArtifactFields {
    /// Every place and its accepted fields, with the reference page that documents it.
    public static let table: [(place: String, page: String, fields: Set<String>)] = [
        ("halo", "halo-artifact.md", ["halo", "revision", "settlement", "units", "procedures", "templates", "description",
                                  "roles", "governance"]),
        ("halo.settlement", "halo-artifact.md", ["lock", "settle", "skip"]),
        ("halo.roles", "halo-artifact.md", ["abeam", "freezer", "cbeam", "pbeam"]),
        ("halo.governance", "halo-artifact.md", ["timelock"]),
        ("unit", "unit-artifact.md", ["unit", "kind", "assets", "template", "policy", "params", "rate_limits",
                                      "configurator", "signals", "responses", "limits", "reporting", "description",
                                      "class", "crr"]),
        ("unit.assets", "unit-artifact.md", ["underlying", "share", "decimals"]),
        ("unit.template", "unit-artifact.md", ["name", "sha256", "file"]),
        ("unit.policy", "unit-artifact.md", ["file", "sha256"]),
        ("unit.rate_limits.<key>", "unit-artifact.md", ["max", "slope"]),
        ("unit.configurator", "unit-artifact.md", ["hop", "max_change", "inits"]),
        ("unit.configurator.inits.<key>", "unit-artifact.md", ["max", "slope"]),
        ("unit.limits", "unit-artifact.md", ["instructions", "memory", "time"]),
        ("prime.limits", "unit-artifact.md", ["instructions", "memory", "time"]),
        ("fixture", "fixtures.md", ["name", "description", "unit", "halo", "start", "clock", "accounts", "rate", "state", "steps"]),
        ("step", "fixtures.md", ["at", "after", "expect_error", "id", "unit", "comment", "actor"]),
        ("step.subscribe", "fixtures.md", ["account", "amount"]),
        ("step.redeem", "fixtures.md", ["account", "amount"]),
        ("step.claim", "fixtures.md", ["account", "queue"]),
        ("step.exit", "fixtures.md", ["account", "queue"]),
        ("step.lock", "fixtures.md", ["queue"]),
        ("step.settle", "fixtures.md", ["subscribe", "redeem"]),
        ("step.settle.<queue>", "fixtures.md", ["capacity", "minted"]),
        ("step.tick", "fixtures.md", []),
        ("step.freeze", "fixtures.md", []),
        ("step.reload", "fixtures.md", ["policy"]),
        ("step.fund", "fixtures.md", ["account", "asset", "amount"]),
        ("step.rate_limit", "fixtures.md", ["op", "key", "max", "slope", "last_amount", "last_updated", "amount"]),
        ("step.configure", "fixtures.md", ["op", "key", "max", "slope", "hop", "max_change"]),
        ("expect", "fixtures.md", ["accounts", "queues", "rate_limits", "exchange_rate", "signals", "actions",
                                   "flags", "unit_accounts", "state"]),
        ("expect.queues.<queue>", "fixtures.md", ["status", "generation", "total_shares", "total_underlying", "reward_per_token"]),
        ("expect.rate_limits.<key>", "fixtures.md", ["current", "max", "slope", "last_amount", "last_updated"]),
        ("expect.flags", "fixtures.md", ["subscriptions_halted", "relayer_frozen", "skip_next_cycle", "migrating"]),
    ]

    /// The accepted fields at `place` (a key of ``table``); a place not in the table accepts nothing.
    public static func fields(_ place: String) -> Set<String> {
        table.first { $0.place == place }?.fields ?? []
    }
}

extension YAMLNode {
    /// Refuses keys not in ``ArtifactFields`` for `place`.
    public func allowOnly(place: String) throws(ArtifactError) {
        try allowOnly(ArtifactFields.fields(place))
    }
}
