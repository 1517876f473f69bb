import Foundation
import Testing
@testable import HaloArtifacts

/// Every budget value of `limits` is range-checked when the artifact loads, with its line.
@Suite struct PolicyLimitsRangeTests {
    static func parse(_ limits: String) throws -> UnitArtifact {
        let text = sampleUnit.replacingOccurrences(of: "limits: { instructions: 5000000, memory: \"8MiB\", time: \"100ms\" }",
                                                   with: "limits: \(limits)")
        return try UnitArtifact.parse(text, path: "unit.yaml")
    }

    static func refused(_ limits: String, field: String, message: String) {
        #expect {
            try parse(limits)
        } throws: { error in
            guard let error = error as? ArtifactError else { return false }
            return error.code == .artifactInvalid && error.line == 13 && error.field == field
                && error.description.contains(message)
        }
    }

    @Test func aWallTimeBeyondTheRangeIsRefusedWithItsLine() {
        // 107000 days: the deadline in nanoseconds would overflow 64 bits
        Self.refused("{ time: \"107000d\" }", field: "limits.time", message: "must be between 1ms and 1h (got 9244800000000 ms)")
        Self.refused("{ time: \"2h\" }", field: "limits.time", message: "must be between 1ms and 1h")
    }

    @Test func instructionsAndMemoryBeyondTheirRangesAreRefused() {
        Self.refused("{ instructions: 0 }", field: "limits.instructions", message: "must be between 1 and 1000000000 (got 0)")
        Self.refused("{ instructions: -5 }", field: "limits.instructions", message: "must be between 1 and 1000000000")
        Self.refused("{ instructions: 1000000000000000 }", field: "limits.instructions", message: "must be between 1 and 1000000000")
        Self.refused("{ memory: \"1KiB\" }", field: "limits.memory", message: "must be between 4KiB and 64GiB (got 1024 bytes)")
        Self.refused("{ memory: \"1000GiB\" }", field: "limits.memory", message: "must be between 4KiB and 64GiB")
    }

    @Test func theEdgesOfEachRangeAreAccepted() throws {
        let low = try Self.parse("{ instructions: 1, memory: \"4KiB\", time: \"1ms\" }")
        #expect(low.limits == PolicyLimits(instructions: 1, memoryBytes: 4 << 10, wallTimeMilliseconds: 1))
        let high = try Self.parse("{ instructions: 1000000000, memory: \"64GiB\", time: \"1h\" }")
        #expect(high.limits == PolicyLimits(instructions: 1_000_000_000, memoryBytes: 64 << 30, wallTimeMilliseconds: 3_600_000))
    }

    /// A Prime Artifact's budgets go through the same parser: the same ranges, the same line.
    @Test func aPrimeArtifactsBudgetsAreRangeCheckedToo() throws {
        let path = "examples/primes/spark.yaml"
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("limits:") }.map { $0 + 1 }
        let bad = text.replacingOccurrences(of: "limits: { instructions: 10000000, memory: \"16MiB\", time: \"250ms\" }",
                                            with: "limits: { instructions: 10000000, memory: \"16MiB\", time: \"107000d\" }")
        #expect(bad != text)
        #expect {
            try PrimeArtifact.parse(bad, path: root.appendingPathComponent(path).path)
        } throws: { error in
            guard let error = error as? ArtifactError else { return false }
            return error.code == .artifactInvalid && error.line == line && error.field == "limits.time"
                && error.description.contains("must be between 1ms and 1h")
        }
        #expect(try PrimeArtifact.parse(text, path: root.appendingPathComponent(path).path).limits == PolicyLimits.standard)
    }
}
