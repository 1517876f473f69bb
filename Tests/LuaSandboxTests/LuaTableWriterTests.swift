import Testing
@testable import LuaSandbox

/// A ctx written by `LuaTableWriter` must be, to a policy and to anyone reading it back, the
/// same table a `LuaTable` tree encodes to: same keys in the same order, same values, frozen
/// at every depth, with `ctx.state` the one writable table.
@Suite struct LuaTableWriterTests {
    /// Writes the same ctx as ``tree()``.
    func written(_ types: LuaUserdataTypes) -> EncodedLuaTable {
        let money = types.id("money")!
        func cents(_ value: Int64) -> (UnsafeMutableRawBufferPointer) -> Void {
            { $0.storeBytes(of: value, as: Int64.self) }
        }
        var ctx = LuaTableWriter(types: types)
        ctx.set("unit", "tbill-a")
        ctx.set("time", Int64(1_772_629_200))
        ctx.set("halted", false)
        ctx.openTable("params")
        ctx.set("nav_tolerance", "0.01")
        ctx.set("alpha", "a")
        ctx.closeTable()
        ctx.openTable("reports")
        ctx.openTable(index: 1)
        ctx.set("nav", userdata: money, size: 8, cents(100_012))
        ctx.closeTable()
        ctx.openTable(index: 2)
        ctx.set("nav", userdata: money, size: 8, cents(99_990))
        ctx.set("gated", true)
        ctx.closeTable()
        ctx.closeTable()
        ctx.openTable("history")
        ctx.set(index: 1, userdata: money, size: 8, cents(1))
        ctx.set(index: 2, userdata: money, size: 8, cents(2))
        ctx.closeTable()
        ctx.openTable("empty")
        ctx.closeTable()
        return ctx.finish()
    }

    func tree() -> LuaTable {
        LuaTable(entries: [
            .init(key: "unit", value: "tbill-a"),
            .init(key: "time", value: 1_772_629_200),
            .init(key: "halted", value: false),
            .init(key: "params", value: .table(LuaTable(entries: [.init(key: "nav_tolerance", value: "0.01"), .init(key: "alpha", value: "a")],
                                                        frozen: true))),
            .init(key: "reports", value: .table(LuaTable(array: [
                .table(LuaTable(entries: [.init(key: "nav", value: Money.value(100_012))], frozen: true)),
                .table(LuaTable(entries: [.init(key: "nav", value: Money.value(99_990)), .init(key: "gated", value: true)], frozen: true)),
            ], frozen: true))),
            .init(key: "history", value: .table(LuaTable(array: [Money.value(1), Money.value(2)], frozen: true))),
            .init(key: "empty", value: .table(LuaTable(frozen: true))),
        ], frozen: true)
    }

    @Test func aWrittenTableReadsBackAsTheTreeItStandsFor() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let encoded = written(sandbox.userdataTypes)
        #expect(encoded.table == tree())
        // Byte for byte what encoding the tree gives (the header's counts and sizes included).
        var encoder = ValueEncoder(owner: 0)
        try encoder.encode(.table(tree()), types: sandbox.userdataTypes.ids)
        #expect(encoder.bytes == encoded.bytes)
    }

    /// What a policy sees: key order, values, lengths, and the writable `ctx.state`.
    @Test func aPolicyCannotTellAWrittenCtxFromAnEncodedTree() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: """
            return { look = function(ctx)
              local out = {}
              for k, v in pairs(ctx) do out[#out + 1] = k .. "=" .. (type(v) == "table" and "t" or tostring(v)) end
              for k, v in pairs(ctx.params) do out[#out + 1] = k .. "=" .. v end
              out[#out + 1] = tostring(#ctx.reports) .. tostring(#ctx.history) .. tostring(ctx.reports[2].gated)
              out[#out + 1] = tostring(ctx.reports[1].nav) .. "/" .. tostring(ctx.history[2])
              ctx.state.seen = (ctx.state.seen or 0) + 1
              return table.concat(out, ",")
            end }
            """, chunkName: "look.lua")
        let state = LuaTable(dictionary: ["seen": 4])
        let fromWriter = try sandbox.call(policy, function: "look", encodedContext: written(sandbox.userdataTypes), state: state)
        let fromTree = try sandbox.call(policy, function: "look", context: tree(), state: state)
        #expect(fromWriter.results == fromTree.results)
        #expect(fromWriter.state == fromTree.state)
        #expect(fromWriter.state?["seen"] == 5)
        let text = try #require(fromWriter.results.first?.stringValue)
        // pairs follows the table's hash order (the same for both, checked above), so compare as sets.
        let pieces = Set(text.split(separator: ",").map(String.init))
        #expect(pieces == ["unit=tbill-a", "time=1772629200", "halted=false", "params=t", "reports=t", "history=t", "empty=t",
                           "state=t", "nav_tolerance=0.01", "alpha=a", "22true", "1000.12/0.02"])
    }

    @Test func everyWrittenTableIsReadOnly() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: """
            return {
              top = function(ctx) ctx.unit = "x" end,
              nested = function(ctx) ctx.params.alpha = "b" end,
              deep = function(ctx) ctx.reports[1].nav = 1 end,
              list = function(ctx) table.insert(ctx.history, 3) end,
              rawset = function(ctx) rawset(ctx.empty, "k", 1) end,
            }
            """, chunkName: "writes.lua")
        for function in ["top", "nested", "deep", "list", "rawset"] {
            #expect(throws: SandboxError.self, "\(function)") {
                _ = try sandbox.call(policy, function: function, encodedContext: written(sandbox.userdataTypes), state: LuaTable())
            }
        }
    }

    @Test func aFragmentIsCopiedIntoEachTableWithItsCounts() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let types = sandbox.userdataTypes
        var shared = LuaTableWriter(fragmentFor: types)
        shared.set("class", "tbill")
        shared.openTable("queues")
        shared.set("status", "active")
        shared.closeTable()
        let fragment = shared.finishFragment()
        var ctx = LuaTableWriter(types: types)
        ctx.openTable("universe")
        for (name, headroom) in [("tbill-a", Int64(5)), ("mmf-a", Int64(7))] {
            ctx.openTable(name)
            ctx.append(fragment)
            ctx.set("headroom", headroom)
            ctx.closeTable()
        }
        ctx.closeTable()
        let encoded = ctx.finish()
        let universe = try #require(encoded.table["universe"]?.tableValue)
        for (name, headroom) in [("tbill-a", 5), ("mmf-a", 7)] {
            let unit = try #require(universe[name]?.tableValue)
            #expect(unit.entries.count == 3)
            #expect(unit["class"] == "tbill")
            #expect(unit["queues"]?.tableValue?["status"] == "active")
            #expect(unit["headroom"] == .integer(Int64(headroom)))
        }
        let policy = try sandbox.load(source: """
            return { count = function(ctx)
              local n = 0
              for _, unit in pairs(ctx.universe) do for _ in pairs(unit) do n = n + 1 end end
              return n, ctx.universe["mmf-a"].queues.status, ctx.universe["tbill-a"].headroom
            end }
            """, chunkName: "count.lua")
        let results = try sandbox.call(policy, function: "count", encodedContext: encoded, state: LuaTable()).results
        #expect(results == [6, "active", 5])
    }

    @Test func aCtxWithItsOwnStateOrWrittenForOtherTypesIsRefused() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let policy = try sandbox.load(source: "return { f = function(ctx) return 1 end }", chunkName: "f.lua")
        var withState = LuaTableWriter(types: sandbox.userdataTypes)
        withState.set("state", "mine")
        let ownState = withState.finish()
        #expect(throws: SandboxError.self) {
            _ = try sandbox.call(policy, function: "f", encodedContext: ownState, state: LuaTable())
        }
        // A "state" below the top level is an ordinary key.
        var nested = LuaTableWriter(types: sandbox.userdataTypes)
        nested.openTable("flags")
        nested.set("state", "ok")
        nested.closeTable()
        let nestedState = nested.finish()
        #expect(try sandbox.call(policy, function: "f", encodedContext: nestedState, state: LuaTable()).results == [1])
        // Written for a sandbox without the `money` type: its ids mean nothing here.
        let other = try LuaSandbox(configuration: SandboxConfiguration(randomSeed: 7))
        let foreign = LuaTableWriter(types: other.userdataTypes).finish()
        #expect(throws: SandboxError.self) {
            _ = try sandbox.call(policy, function: "f", encodedContext: foreign, state: LuaTable())
        }
    }

    @Test func anyValueCanBeWrittenButNoReference() throws {
        let sandbox = try makeSandbox(SandboxConfiguration(randomSeed: 7))
        let reference = try sandbox.makeTable(LuaTable(dictionary: ["a": 1]))
        var writer = LuaTableWriter(types: sandbox.userdataTypes)
        try writer.set("list", .table(LuaTable(array: [1, "two", .number(3.5)])))
        #expect(throws: SandboxError.self) { try writer.set("ref", .reference(reference)) }
        let table = writer.finish().table
        #expect(table["list"] == .table(LuaTable(array: [1, "two", .number(3.5)], frozen: true)))
        #expect(table.entries.count == 1)
    }
}
