import Testing
@testable import LuaSandbox

@Suite struct LuaTableTests {
    @Test func equalityIgnoresEntryOrder() {
        let a = LuaTable(entries: [.init(key: "x", value: 1), .init(key: 1, value: "a")])
        let b = LuaTable(entries: [.init(key: 1, value: "a"), .init(key: "x", value: 1)])
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != LuaTable(entries: a.entries, frozen: true))
    }

    @Test func subscriptsAndArrayPart() {
        var table = LuaTable(array: ["a", "b", "c"])
        table["name"] = "tbill"
        #expect(table.array == ["a", "b", "c"])
        #expect(table["name"] == "tbill")
        table[.integer(2)] = nil
        #expect(table.array == ["a"])
        #expect(table["missing"] == nil)
    }

    @Test func dictionaryInitializerIsSortedAndDeterministic() {
        let table = LuaTable(dictionary: ["b": 2, "a": 1, "c": 3])
        #expect(table.entries.map(\.key) == ["a", "b", "c"])
    }
}
