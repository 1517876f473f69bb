import Testing
@testable import HaloArtifacts

@Test func placeholderHaloArtifacts() { #expect(Bool(true)) }
