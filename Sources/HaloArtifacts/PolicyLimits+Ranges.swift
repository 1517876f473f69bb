extension PolicyLimits {
    /// Accepted `limits.instructions` of a Unit Artifact: 1 to 10^9 units (100 times the
    /// default). Work done inside C library functions is charged before it starts, so the
    /// budget also bounds how long one such call can run.
    public static let instructionRange = 1...1_000_000_000
    /// Accepted `limits.memory`: 4 KiB to 64 GiB.
    public static let memoryRange = (4 << 10)...(64 << 30)
    /// Accepted `limits.time` in milliseconds: 1 ms to 1 hour. The sandbox also saturates
    /// every deadline it computes, so no value can wrap into the past.
    public static let wallTimeRange = 1...3_600_000

    /// Why a budget value is out of its range, for the artifact loader's message; nil when it is in range.
    static func rangeProblem(instructions: Int? = nil, memoryBytes: Int? = nil, wallTimeMilliseconds: Int? = nil) -> String? {
        if let instructions, !instructionRange.contains(instructions) {
            return "must be between 1 and 1000000000 (got \(instructions))"
        }
        if let memoryBytes, !memoryRange.contains(memoryBytes) {
            return "must be between 4KiB and 64GiB (got \(memoryBytes) bytes)"
        }
        if let wallTimeMilliseconds, !wallTimeRange.contains(wallTimeMilliseconds) {
            return "must be between 1ms and 1h (got \(wallTimeMilliseconds) ms)"
        }
        return nil
    }
}
