import Testing
@testable import LuaSandbox

/// A lazy table's keys are pushed through a per-state cache of interned strings (marshal.c,
/// "key cache"): 512 slots, two per hash. These tests give it more distinct keys than it has
/// slots, keys that differ only past their first and last 8 bytes, empty and 40/41-byte keys,
/// over several calls, and check that every key still decodes to exactly its own string.
@Suite struct DecodedKeyCacheTests {
    /// Keys of every length from 0 to 45, the same 30 middle bytes apart from one, and 1,500
    /// short numbered ones: far more than the cache holds, so slots are refilled on every call.
    static func keys() -> [String] {
        var keys = (0...45).map { String(repeating: "k", count: $0) }
        keys += (0..<26).map { "prefix__" + String(repeating: "m", count: 12) + String(UnicodeScalar(97 + $0)!) + String(repeating: "m", count: 12) + "__suffix" }
        keys += (0..<1_500).map { "field_\($0)" }
        return keys
    }

    @Test func everyKeyDecodesToItselfOverManyCalls() throws {
        let sandbox = try LuaSandbox(configuration: SandboxConfiguration(randomSeed: 3))
        let policy = try sandbox.load(source: """
            return { look = function(ctx)
              local seen, n = {}, 0
              for k, v in pairs(ctx.fields) do
                n = n + 1
                if ctx.fields[k] ~= v then error("read of " .. k .. " disagrees with pairs") end
                seen[#seen + 1] = k .. "=" .. v
              end
              return n, table.concat(seen, ","), ctx.fields[""], ctx.fields.field_1499, ctx.other.field_7
            end }
            """, chunkName: "look.lua")
        let keys = Self.keys()
        for round in 0..<4 {
            var writer = LuaTableWriter(types: sandbox.userdataTypes)
            writer.openTable("fields")
            for (index, key) in keys.enumerated() { writer.set(key, Int64(index * 10 + round)) }
            writer.closeTable()
            writer.openTable("other")
            writer.set("field_7", "seven \(round)")
            writer.closeTable()
            let results = try sandbox.call(policy, function: "look", encodedContext: writer.finish(), state: LuaTable()).results
            // pairs visits a hash table in its hash order, not in writing order: compared as sets
            let expected = keys.enumerated().map { "\($0.element)=\($0.offset * 10 + round)" }.sorted()
            #expect(results.count == 5)
            #expect(results.first == .integer(Int64(keys.count)))
            guard case .string(let seen)? = results.dropFirst().first else {
                Issue.record("no list of pairs")
                return
            }
            #expect(seen.split(separator: ",", omittingEmptySubsequences: false).map(String.init).sorted() == expected, "round \(round)")
            #expect(Array(results.dropFirst(2)) == [.integer(Int64(round)), .integer(Int64((keys.count - 1) * 10 + round)), .string("seven \(round)")])
        }
    }
}
