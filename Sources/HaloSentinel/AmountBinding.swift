import HaloCore
import LuaSandbox

/// `halo.amount` in Lua: an exact fixed-point userdata backed by HaloCore's ``Amount``.
///
/// The payload is 33 bytes: the 256-bit base units, little-endian, then the decimals.
/// Arithmetic rounds toward zero and raises on underflow or overflow, like Solidity.
///
/// ```lua
/// local a = halo.amount("1000.5")
/// print(a * 2, a / halo.amount("2"), a:min(halo.amount(10)))   -- 2001  500.25  10
/// ```
enum AmountBinding {
    /// The userdata type name seen by Lua.
    static let typeName = "halo.amount"
    static let payloadSize = 33

    /// Registers `halo.amount` and the `halo.host` module in `sandbox`. With `native` (the
    /// runtime's choice) the arithmetic, comparisons, parsing and printing run in C
    /// (`Sources/LuaShim/amount.c`) and the Swift functions below only decide what C hands
    /// back to them (floats, other types, text that does not parse); without it every call
    /// crosses into Swift (the differential tests compare the two).
    static func register(in sandbox: LuaSandbox, native: Bool = true) throws(SandboxError) {
        try sandbox.registerUserdataType(name: typeName, payloadSize: payloadSize, metamethods: metamethods, methods: methods)
        try sandbox.registerModule(name: "halo.host", functions: moduleFunctions)
        if native { try sandbox.installNativeAmounts(typeName: typeName, module: "halo.host") }
    }

    /// The Lua value of an amount.
    static func value(_ amount: Amount) -> LuaValue {
        // One allocation of exactly the payload's size (this runs for every arithmetic result).
        let bytes = [UInt8](unsafeUninitializedCapacity: payloadSize) { buffer, count in
            amount.units.storeBytes(into: UnsafeMutableRawBufferPointer(buffer))
            buffer[32] = amount.decimals
            count = payloadSize
        }
        return .userdata(LuaUserdata(typeName: typeName, bytes: bytes))
    }

    /// Writes an amount's payload (33 bytes: units little-endian, then decimals) into `buffer`.
    @inline(__always) static func store(_ units: UInt256, _ decimals: UInt8, into buffer: UnsafeMutableRawBufferPointer) {
        units.storeBytes(into: buffer)
        buffer[32] = decimals
    }

    /// The id of `halo.amount` among `types` (every policy host registers it first).
    static func typeID(in types: LuaUserdataTypes) -> Int32 {
        guard let id = types.id(typeName) else { preconditionFailure("halo.amount is not registered in this sandbox") }
        return id
    }

    /// The amount in a Lua userdata payload, if it is one.
    static func amount(fromPayload bytes: [UInt8]) -> Amount? {
        guard bytes.count == payloadSize else { return nil }
        guard let units = UInt256(bytes: Array(bytes[0..<32])) else { return nil }
        return Amount(units: units, decimals: bytes[32])
    }

    /// Argument `index` when it is an amount, read in place from the userdata payload (no
    /// `LuaValue`, no array): the hot path of every arithmetic metamethod.
    static func amountArgument(_ call: inout LuaHostCall, _ index: Int) -> Amount? {
        let amount: Amount?? = call.withUserdataPayload(index, type: typeName) { raw -> Amount? in
            guard raw.count == payloadSize else { return nil }
            func limb(_ offset: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
            return Amount(units: UInt256(w0: limb(0), w1: limb(8), w2: limb(16), w3: limb(24)), decimals: raw[32])
        }
        return amount ?? nil
    }

    /// The amount a Lua value stands for where an operand is expected: amounts, whole-token
    /// integers and decimal strings; floats are refused because they are not exact.
    static func operand(_ value: LuaValue, decimals: UInt8, what: String) throws(LuaHostError) -> Amount {
        switch value {
        case .userdata(let userdata) where userdata.typeName == typeName:
            guard let amount = amount(fromPayload: userdata.bytes) else { throw LuaHostError("\(what): corrupt amount") }
            return amount
        case .integer(let whole):
            guard whole >= 0 else { throw LuaHostError("\(what): amounts are never negative (\(whole))") }
            return try wrap(what) { () throws(AmountError) in
                try Amount(units: UInt256(UInt64(whole)).multiplied(by: scale(decimals)), decimals: decimals)
            }
        case .string(let text):
            return try wrap(what) { () throws(AmountError) in try Amount(parsing: text, decimals: Int(decimals)) }
        case .number(let float):
            throw LuaHostError("\(what): the float \(float) is not an exact amount; write a decimal string such as \"\(float)\" or use halo.amount")
        default:
            throw LuaHostError("\(what): expected an amount, got \(LuaValueDescription.typeName(value))")
        }
    }

    static func scale(_ decimals: UInt8) -> UInt256 {
        var result = UInt256(1)
        for _ in 0..<decimals { result = try! result.multiplied(by: UInt256(10)) }
        return result
    }

    static func wrap<T>(_ what: String, _ body: () throws(AmountError) -> T) throws(LuaHostError) -> T {
        do { return try body() } catch { throw LuaHostError("\(what): \(error.message)") }
    }

    /// A plain Lua ratio (integer or float) as a WAD-scaled factor, truncated to 18 decimals.
    static func ratio(_ value: LuaValue, what: String) throws(LuaHostError) -> UInt256? {
        guard case .number(let float) = value else { return nil }
        guard float.isFinite, float >= 0 else { throw LuaHostError("\(what): the ratio \(float) must be a finite non-negative number") }
        // The shortest decimal text that round-trips is the ratio the author wrote (0.1, not 0.1000000000000000055).
        var text = "\(float)"
        if text.contains("e") || text.contains("E") {
            throw LuaHostError("\(what): the ratio \(float) is out of range; use a decimal string")
        }
        if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 19 {
            text = String(text[..<text.index(dot, offsetBy: 19)])
        }
        return try wrap(what) { () throws(AmountError) in try Amount(parsing: text, decimals: 18).units }
    }

    static func first(_ call: inout LuaHostCall, _ what: String) throws(LuaHostError) -> Amount {
        guard let amount = amountArgument(&call, 1) else { throw LuaHostError("\(what): expected an amount as the first operand") }
        return amount
    }

    /// Both operands of a binary metamethod; either side may be the amount.
    static func operands(_ call: inout LuaHostCall, _ what: String) throws(LuaHostError) -> (Amount, Amount) {
        // Two amounts of the same decimals: read in place.
        if let a = amountArgument(&call, 1), let b = amountArgument(&call, 2) {
            guard a.decimals == b.decimals else { throw LuaHostError("\(what): amounts with different decimals (\(a.decimals) and \(b.decimals))") }
            return (a, b)
        }
        let left = call.argument(1), right = call.argument(2)
        let decimals: UInt8
        if case .userdata(let u) = left, let a = amount(fromPayload: u.bytes) { decimals = a.decimals }
        else if case .userdata(let u) = right, let b = amount(fromPayload: u.bytes) { decimals = b.decimals }
        else { decimals = 18 }
        let a = try operand(left, decimals: decimals, what: what)
        let b = try operand(right, decimals: decimals, what: what)
        guard a.decimals == b.decimals else { throw LuaHostError("\(what): amounts with different decimals (\(a.decimals) and \(b.decimals))") }
        return (a, b)
    }

    static func returning(_ call: inout LuaHostCall, _ amount: Amount) { call.results = [value(amount)] }

    // MARK: The host functions

    /// Metamethods of the userdata type.
    static var metamethods: [String: LuaHostFunction] {
        [
            "__add": { (call: inout LuaHostCall) throws(LuaHostError) in
                let (a, b) = try operands(&call, "amount +")
                returning(&call, try wrap("amount +") { () throws(AmountError) in try a.adding(b) })
            },
            "__sub": { (call: inout LuaHostCall) throws(LuaHostError) in
                let (a, b) = try operands(&call, "amount -")
                guard a >= b else { throw LuaHostError("amount underflow: \(a) - \(b) is below zero") }
                returning(&call, try wrap("amount -") { () throws(AmountError) in try a.subtracting(b) })
            },
            "__mul": { (call: inout LuaHostCall) throws(LuaHostError) in
                // amount * ratio (float): a plain ratio, rounded down.
                for (index, other) in [(1, 2), (2, 1)] {
                    if let factor = try ratio(call.argument(other), what: "amount *"),
                       case .userdata(let u) = call.argument(index), let a = amount(fromPayload: u.bytes) {
                        returning(&call, try wrap("amount *") { () throws(AmountError) in
                            Amount(units: try UInt256.mulDiv(a.units, factor, Rate.one.wad), decimals: a.decimals)
                        })
                        return
                    }
                }
                if case .integer(let n) = call.argument(2), case .userdata(let u) = call.argument(1), let a = amount(fromPayload: u.bytes) {
                    guard n >= 0 else { throw LuaHostError("amount *: negative factor \(n)") }
                    returning(&call, try wrap("amount *") { () throws(AmountError) in Amount(units: try a.units.multiplied(by: UInt256(UInt64(n))), decimals: a.decimals) })
                    return
                }
                if case .integer(let n) = call.argument(1), case .userdata(let u) = call.argument(2), let a = amount(fromPayload: u.bytes) {
                    guard n >= 0 else { throw LuaHostError("amount *: negative factor \(n)") }
                    returning(&call, try wrap("amount *") { () throws(AmountError) in Amount(units: try a.units.multiplied(by: UInt256(UInt64(n))), decimals: a.decimals) })
                    return
                }
                let (a, b) = try operands(&call, "amount *")
                returning(&call, try wrap("amount *") { () throws(AmountError) in
                    Amount(units: try UInt256.mulDiv(a.units, b.units, scale(a.decimals)), decimals: a.decimals)
                })
            },
            "__div": { (call: inout LuaHostCall) throws(LuaHostError) in
                if let factor = try ratio(call.argument(2), what: "amount /") {
                    let a = try first(&call, "amount /")
                    guard !factor.isZero else { throw LuaHostError("amount /: division by zero") }
                    returning(&call, try wrap("amount /") { () throws(AmountError) in
                        Amount(units: try UInt256.mulDiv(a.units, Rate.one.wad, factor), decimals: a.decimals)
                    })
                    return
                }
                if case .integer(let n) = call.argument(2) {
                    let a = try first(&call, "amount /")
                    guard n > 0 else { throw LuaHostError(n == 0 ? "amount /: division by zero" : "amount /: negative divisor \(n)") }
                    returning(&call, try wrap("amount /") { () throws(AmountError) in Amount(units: try a.units.dividedBy(UInt256(UInt64(n))), decimals: a.decimals) })
                    return
                }
                let (a, b) = try operands(&call, "amount /")
                guard !b.units.isZero else { throw LuaHostError("amount /: division by zero") }
                returning(&call, try wrap("amount /") { () throws(AmountError) in
                    Amount(units: try UInt256.mulDiv(a.units, scale(a.decimals), b.units), decimals: a.decimals)
                })
            },
            "__eq": { (call: inout LuaHostCall) throws(LuaHostError) in
                let (a, b) = try operands(&call, "amount ==")
                call.results = [.boolean(a == b)]
            },
            "__lt": { (call: inout LuaHostCall) throws(LuaHostError) in
                let (a, b) = try operands(&call, "amount <")
                call.results = [.boolean(a < b)]
            },
            "__le": { (call: inout LuaHostCall) throws(LuaHostError) in
                let (a, b) = try operands(&call, "amount <=")
                call.results = [.boolean(a <= b)]
            },
            "__tostring": { (call: inout LuaHostCall) throws(LuaHostError) in
                call.results = [.string(try first(&call, "tostring").description)]
            },
            "__concat": { (call: inout LuaHostCall) throws(LuaHostError) in
                func text(_ value: LuaValue) throws(LuaHostError) -> String {
                    switch value {
                    case .userdata(let u): if let a = amount(fromPayload: u.bytes) { return a.description }
                    case .string(let s): return s
                    case .integer(let i): return String(i)
                    case .number(let d): return "\(d)"
                    default: break
                    }
                    throw LuaHostError("attempt to concatenate an amount with \(LuaValueDescription.typeName(value))")
                }
                call.results = [.string(try text(call.argument(1)) + text(call.argument(2)))]
            },
            "__unm": { (call: inout LuaHostCall) throws(LuaHostError) in
                throw LuaHostError("amounts are never negative")
            },
            "__idiv": { (call: inout LuaHostCall) throws(LuaHostError) in
                throw LuaHostError("use a / b for amounts (exact, rounded down) or a:floor()")
            },
            "__mod": { (call: inout LuaHostCall) throws(LuaHostError) in
                throw LuaHostError("the remainder of amounts is not defined; use a:mul_div(b, c)")
            },
        ]
    }

    /// Methods reachable as `a:name(...)`.
    static var methods: [String: LuaHostFunction] {
        [
            "is_zero": { (call: inout LuaHostCall) throws(LuaHostError) in
                call.results = [.boolean(try first(&call, "is_zero").units.isZero)]
            },
            "min": { (call: inout LuaHostCall) throws(LuaHostError) in
                let (a, b) = try operands(&call, "min")
                returning(&call, Swift.min(a, b))
            },
            "max": { (call: inout LuaHostCall) throws(LuaHostError) in
                let (a, b) = try operands(&call, "max")
                returning(&call, Swift.max(a, b))
            },
            "mul_div": { (call: inout LuaHostCall) throws(LuaHostError) in
                let a = try first(&call, "mul_div")
                let b = try operand(call.argument(2), decimals: a.decimals, what: "mul_div")
                let c = try operand(call.argument(3), decimals: a.decimals, what: "mul_div")
                guard !c.units.isZero else { throw LuaHostError("mul_div: division by zero") }
                returning(&call, try wrap("mul_div") { () throws(AmountError) in
                    Amount(units: try UInt256.mulDiv(a.units, b.units, c.units), decimals: a.decimals)
                })
            },
            "floor": { (call: inout LuaHostCall) throws(LuaHostError) in
                let a = try first(&call, "floor")
                let unit = scale(a.decimals)
                returning(&call, try wrap("floor") { () throws(AmountError) in
                    Amount(units: try a.units.dividedBy(unit).multiplied(by: unit), decimals: a.decimals)
                })
            },
            "units": { (call: inout LuaHostCall) throws(LuaHostError) in
                call.results = [.string(try first(&call, "units").units.description)]
            },
        ]
    }

    /// `halo.host` functions about amounts.
    static var moduleFunctions: [String: LuaHostFunction] {
        [
            "amount": { (call: inout LuaHostCall) throws(LuaHostError) in
                guard call.argumentCount >= 1 else { throw LuaHostError("halo.amount: expected a decimal string, a whole number or an amount") }
                returning(&call, try operand(call.argument(1), decimals: 18, what: "halo.amount"))
            },
            "is_amount": { (call: inout LuaHostCall) throws(LuaHostError) in
                if case .userdata(let u) = call.argument(1), u.typeName == typeName { call.results = [.boolean(true)] }
                else { call.results = [.boolean(false)] }
            },
        ]
    }
}

/// Names of Lua value types, for messages.
enum LuaValueDescription {
    static func typeName(_ value: LuaValue) -> String {
        switch value {
        case .nil: return "nil"
        case .boolean: return "a boolean"
        case .integer: return "an integer"
        case .number: return "a float"
        case .string: return "a string"
        case .table: return "a table"
        case .userdata(let u): return u.typeName == AmountBinding.typeName ? "an amount" : "a userdata"
        default: return "a function"
        }
    }
}
