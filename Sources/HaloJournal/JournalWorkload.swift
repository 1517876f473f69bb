import Foundation

/// The journal's performance suite: durable appends at several batch sizes and both
/// synchronous settings, a streaming read, and a full verify (what recovery costs). It only
/// measures; it asserts nothing. `halo bench` runs it.
///
/// Every measurement works in its own fresh subdirectory of ``directory`` with records
/// of ``payloadBytes`` bytes of JSON payload, so figures are comparable between runs.
///
/// ```swift
/// let workload = JournalWorkload(directory: FileManager.default.temporaryDirectory.appendingPathComponent("bench"))
/// for figure in try workload.standardSuite() { print(figure) }
/// ```
public struct JournalWorkload: Sendable {
    /// Scratch space; subdirectories are created and removed under it.
    public var directory: URL
    /// Approximate size of each record's payload.
    public var payloadBytes: Int

    /// Creates a workload working under `directory`.
    ///
    /// ```swift
    /// let workload = JournalWorkload(directory: scratch, payloadBytes: 300)
    /// ```
    public init(directory: URL, payloadBytes: Int = 300) {
        self.directory = directory
        self.payloadBytes = payloadBytes
    }

    /// The suite as reported in `docs/journal.md`: appends with batches of 1, 100 and 1000
    /// under FULL and NORMAL, then a streaming read and a verify of `readRecords` records.
    /// `appendRecords` bounds each append measurement (batch-of-1 runs do a tenth of it,
    /// as each is one fsync).
    ///
    /// ```swift
    /// let figures = try workload.standardSuite(appendRecords: 100_000, readRecords: 1_000_000)
    /// ```
    public func standardSuite(appendRecords: Int = 100_000, readRecords: Int = 1_000_000) throws -> [JournalThroughput] {
        var figures: [JournalThroughput] = []
        for synchronous in JournalSynchronous.allCases {
            for batchSize in [1, 100, 1000] {
                let records = batchSize == 1 ? max(1, appendRecords / 10) : appendRecords
                figures.append(try measureAppends(records: records, batchSize: batchSize, synchronous: synchronous))
            }
        }
        figures.append(contentsOf: try measureRecovery(records: readRecords))
        return figures
    }

    /// Appends `records` records in batches of `batchSize` (one transaction each) to a fresh
    /// journal and times it.
    ///
    /// ```swift
    /// try workload.measureAppends(records: 10_000, batchSize: 100, synchronous: .full)
    /// ```
    public func measureAppends(records: Int, batchSize: Int, synchronous: JournalSynchronous) throws -> JournalThroughput {
        let place = try scratch("append-\(batchSize)-\(synchronous.rawValue)")
        defer { try? FileManager.default.removeItem(at: place) }
        let journal = try Journal(directory: place, configuration: JournalConfiguration(synchronous: synchronous))
        defer { try? journal.close() }
        let clock = ContinuousClock()
        var written = 0
        let elapsed = try clock.measure {
            while written < records {
                let size = min(batchSize, records - written)
                try journal.append((written..<written + size).map(draft))
                written += size
            }
        }
        return JournalThroughput(
            name: "append batch=\(batchSize) synchronous=\(synchronous.rawValue.uppercased())",
            operations: records, seconds: elapsed.seconds)
    }

    /// Fills a fresh journal with `records` records (untimed, NORMAL, batches of 10 000), then
    /// times a streaming read of all of them through ``Journal/records(from:pageSize:)`` and a
    /// full ``Journal/verify(_:)`` (read + every hash recomputed): the cost of recovery.
    ///
    /// ```swift
    /// let figures = try workload.measureRecovery(records: 1_000_000)  // [streaming read, verify]
    /// ```
    public func measureRecovery(records: Int) throws -> [JournalThroughput] {
        let place = try scratch("recovery")
        defer { try? FileManager.default.removeItem(at: place) }
        do {
            let writer = try Journal(directory: place, configuration: JournalConfiguration(synchronous: .normal))
            var written = 0
            while written < records {
                let size = min(10_000, records - written)
                try writer.append((written..<written + size).map(draft))
                written += size
            }
            try writer.close()
        }
        let journal = try Journal(directory: place, configuration: JournalConfiguration(role: .reader))
        defer { try? journal.close() }
        let clock = ContinuousClock()
        var read = 0
        let readTime = try clock.measure {
            var cursor = journal.records(from: 1)
            while try cursor.next() != nil { read += 1 }
        }
        var verification: JournalVerification?
        let verifyTime = try clock.measure { verification = try journal.verify() }
        if let failure = verification?.failure {
            throw JournalError.corrupt(file: journal.path, seq: failure.seq, detail: "benchmark journal failed to verify: \(failure.message)")
        }
        return [
            JournalThroughput(name: "streaming read", operations: read, seconds: readTime.seconds),
            JournalThroughput(name: "verify (read + hash)", operations: records, seconds: verifyTime.seconds),
        ]
    }

    /// The `index`-th event the workload appends: deterministic, with a unique event id and a
    /// payload of ``payloadBytes`` bytes (when that is at least the ~90 bytes of its fields).
    ///
    /// ```swift
    /// workload.draft(0).eventID  // "bench.jsonl:1"
    /// ```
    public func draft(_ index: Int) -> JournalRecordDraft {
        let head = #"{"account":"account-\#(index % 1000)","amount":"\#(index).000000000000000001","kind":"subscribe","pad":""#
        let padding = String(repeating: "x", count: max(0, payloadBytes - head.utf8.count - 2))
        return JournalRecordDraft(
            kind: .event, eventID: "bench.jsonl:\(index + 1)", unit: "unit-\(index % 8)",
            time: "2026-03-02T09:00:00Z", payload: head + padding + #""}"#)
    }

    private func scratch(_ name: String) throws -> URL {
        let place = directory.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: place)
        try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
        return place
    }
}

extension Duration {
    fileprivate var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
