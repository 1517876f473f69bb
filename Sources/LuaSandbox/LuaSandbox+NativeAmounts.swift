import LuaShim

extension LuaSandbox {
    /// Computes the fixed-point userdata type `typeName` in C (`Sources/LuaShim/amount.c`).
    ///
    /// The type must be registered before with a 33-byte payload (256-bit little-endian base
    /// units, then the decimals) and the metamethods `__add __sub __mul __div __eq __lt __le
    /// __tostring __concat` and methods `is_zero min max mul_div floor units`; `module` must be
    /// registered with `amount` and `is_amount`. Each of them is replaced by a C function that
    /// computes amounts, integers and decimal strings itself and calls the registered Swift
    /// function for everything else (floats, other types, text that does not parse), so the
    /// semantics and messages stay those of the Swift functions. Throws `policy-error` if the
    /// type or a function is missing.
    ///
    /// ```swift
    /// try sandbox.registerUserdataType(name: "halo.amount", payloadSize: 33, metamethods: m, methods: f)
    /// try sandbox.registerModule(name: "halo.host", functions: hostFunctions)
    /// try sandbox.installNativeAmounts(typeName: "halo.amount", module: "halo.host")
    /// ```
    public func installNativeAmounts(typeName: String, module: String) throws(SandboxError) {
        guard let id = registry.typeIDs[typeName] else {
            throw SandboxError(code: .policyError, message: "userdata type '\(typeName)' is not registered")
        }
        try check(halo_amount_install(state, id, module))
    }
}
