import Testing
@testable import LuaSandbox

@Suite struct SandboxErrorTests {
    @Test func splitsTheLuaLocationPrefix() {
        let error = SandboxError.from(code: .policyError, message: "tbill.lua:12: attempt to add", chunk: nil, line: nil)
        #expect(error.chunk == "tbill.lua")
        #expect(error.line == 12)
        #expect(error.message == "attempt to add")
        #expect(error.description == "policy-error: tbill.lua:12: attempt to add")
    }

    @Test func keepsTheRecordedLocationWithoutAPrefix() {
        let error = SandboxError.from(code: .timeout, message: "instruction budget of 5 exhausted", chunk: "a.lua", line: 3)
        #expect(error.chunk == "a.lua")
        #expect(error.line == 3)
        #expect(error.message == "instruction budget of 5 exhausted")
    }

    @Test func dropsTheForbiddenMarker() {
        let error = SandboxError.from(
            code: .forbidden, message: "p.lua:1: sandbox-forbidden: 'io' is not available in the sandbox", chunk: nil, line: nil)
        #expect(error.message == "'io' is not available in the sandbox")
        #expect(error.code.rawValue == "sandbox-forbidden")
    }
}
