import Testing
@testable import HaloSentinel

@Test func placeholderHaloSentinel() { #expect(Bool(true)) }
