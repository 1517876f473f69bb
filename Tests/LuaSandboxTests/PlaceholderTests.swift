import Testing
@testable import LuaSandbox

@Test func placeholderLuaSandbox() { #expect(Bool(true)) }
