import Testing
@testable import HaloSentinel

/// `halo new unit` edits the Halo Artifact as text: only the `revision` and `units` lines change.
struct ScaffoldTests {
    @Test func aBlockListGetsOneLineAndTheRevisionIsBumped() throws {
        let text = """
        # my halo
        halo: h
        revision: 7          # bumped by every edit
        units:
          - units/a/unit.yaml   # the first
          # a comment between items
          - units/b/unit.yaml
        procedures: { migration: m.lua }

        """
        let edited = try Scaffold.listUnit("units/c/unit.yaml", in: text, path: "halo.yaml")
        #expect(edited.from == 7 && edited.to == 8)
        #expect(edited.text == text.replacingOccurrences(of: "revision: 7 ", with: "revision: 8 ")
            .replacingOccurrences(of: "  - units/b/unit.yaml\n", with: "  - units/b/unit.yaml\n  - units/c/unit.yaml\n"))
    }

    @Test func aFlowListGetsOneMoreItem() throws {
        let empty = try Scaffold.listUnit("units/a/unit.yaml", in: "halo: h\nrevision: 1\nunits: []   # none yet\n", path: "h.yaml")
        #expect(empty.text == "halo: h\nrevision: 2\nunits: [units/a/unit.yaml]   # none yet\n")
        let one = try Scaffold.listUnit("units/b/unit.yaml", in: empty.text, path: "h.yaml")
        #expect(one.text == "halo: h\nrevision: 3\nunits: [units/a/unit.yaml, units/b/unit.yaml]   # none yet\n")
    }

    @Test func pathsAreRelativeToTheFileThatNamesThem() {
        #expect(Scaffold.relative(from: "/x/h/units/u", to: "/x/h/policies/u.lua") == "../../policies/u.lua")
        #expect(Scaffold.relative(from: "/x/h/units/u/tests", to: "/x/h/policies/u.lua") == "../../../policies/u.lua")
        #expect(Scaffold.relative(from: "/x/h", to: "/x/h/units/u/unit.yaml") == "units/u/unit.yaml")
    }
}
