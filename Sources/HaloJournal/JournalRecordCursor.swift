/// Reads a journal's records in order, one page at a time; see ``Journal/records(from:pageSize:)``.
///
/// Memory stays at one page whatever the journal's length. Each page is a separate read, so
/// records appended while the cursor runs are seen when it reaches them.
///
/// ```swift
/// var cursor = journal.records(from: 1)
/// while let record = try cursor.next() { print(record.seq, record.kind) }
/// ```
public struct JournalRecordCursor {
    private let journal: Journal
    private let pageSize: Int
    private var nextSeq: Int64
    private var buffer: [JournalRecord] = []
    private var position = 0
    private var exhausted = false

    init(journal: Journal, from seq: Int64, pageSize: Int) {
        self.journal = journal
        self.pageSize = max(1, pageSize)
        self.nextSeq = max(1, seq)
    }

    /// The next record, or `nil` at the end of the journal.
    ///
    /// ```swift
    /// let first = try cursor.next()
    /// ```
    public mutating func next() throws -> JournalRecord? {
        if position == buffer.count {
            guard !exhausted else { return nil }
            buffer = try journal.page(from: nextSeq, limit: pageSize)
            position = 0
            if buffer.count < pageSize { exhausted = true }
            guard let last = buffer.last else { return nil }
            nextSeq = last.seq + 1
        }
        defer { position += 1 }
        return buffer[position]
    }
}
