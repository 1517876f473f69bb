import Testing
@testable import HaloCore

@Test func placeholderHaloCore() { #expect(Bool(true)) }
