extension LCTSQueue {
    enum CodingKeys: String, CodingKey {
        case header, finalized, positions
    }

    /// Decodes the shape the queue has always had: `header`, `finalized`, and `positions` as
    /// an object of account to position (snapshots written before the dense store read back).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        header = try container.decode(Header.self, forKey: .header)
        finalized = try container.decode([UInt64: UInt256].self, forKey: .finalized)
        finalizedByID = Self.dense(finalized)  // observers do not run in an initializer
        for (account, position) in try container.decode([String: Position].self, forKey: .positions) {
            store[account] = position
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(header, forKey: .header)
        try container.encode(finalized, forKey: .finalized)
        try container.encode(positions, forKey: .positions)
    }

    public static func == (lhs: LCTSQueue, rhs: LCTSQueue) -> Bool {
        lhs.header == rhs.header && lhs.finalized == rhs.finalized && lhs.store == rhs.store
    }
}
