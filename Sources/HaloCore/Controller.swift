/// The PAU Controller's authority over flows: the relayer (the Unit Sentinel, pBEAM) may
/// move funds within rate limits; the freezer removes the relayer and every flow stops
/// until a new relayer is set. Funds stay in the ALM proxy meanwhile.
///
/// ```swift
/// var controller = Controller(relayer: "sentinel")
/// controller.freeze()
/// try controller.requireRelayer()   // throws .relayerFrozen
/// ```
public struct Controller: Sendable, Equatable, Codable {
    /// Who may trigger flows; nil while frozen.
    public private(set) var relayer: String?

    /// A controller with a relayer (nil starts frozen).
    ///
    /// ```swift
    /// Controller(relayer: "sentinel").isFrozen   // false
    /// ```
    public init(relayer: String? = "sentinel") { self.relayer = relayer }

    /// Whether the relayer was removed.
    ///
    /// ```swift
    /// Controller(relayer: nil).isFrozen   // true
    /// ```
    public var isFrozen: Bool { relayer == nil }

    /// Removes the relayer (the freezer's emergency action).
    ///
    /// ```swift
    /// controller.freeze()
    /// ```
    public mutating func freeze() { relayer = nil }

    /// Installs a (new) relayer, unfreezing flows.
    ///
    /// ```swift
    /// controller.setRelayer("sentinel-2")
    /// ```
    public mutating func setRelayer(_ relayer: String) { self.relayer = relayer }

    /// Refuses with `relayer-frozen` without a relayer, and with `not-authorized` when a
    /// caller is named and is not the relayer.
    ///
    /// ```swift
    /// try controller.requireRelayer("sentinel")
    /// ```
    public func requireRelayer(_ caller: String? = nil) throws(HaloError) {
        guard let relayer else { throw .relayerFrozen }
        if let caller, caller != relayer { throw .notAuthorized("\(caller) is not the relayer") }
    }
}
