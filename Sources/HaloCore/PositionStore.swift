/// The positions of one ``LCTSQueue``, keyed by account: an open-addressing hash table of
/// fixed-size 64-byte records (linear probing, backward-shift deletion, at most 80 % full,
/// grown by half).
///
/// A record holds the account, its hash, the generation and the low 128 bits of `shares` and
/// `rewardDebt`: one cache line, so a lookup at 1e6 accounts waits on memory about once
/// instead of three times (a `Dictionary` keeps its occupancy bitmap, its keys and its
/// 72-byte values in three arrays), and 1e6 positions take about 96 MB instead of about
/// 200 MB. A position whose shares or reward debt need more than 128 bits (2^128 base units
/// is about 3.4e20 tokens at 18 decimals: never, in practice) lives in a side dictionary, so
/// every value stays exact.
///
/// A value type: copies share storage until one of them writes (the array's copy-on-write).
struct PositionStore: Sendable, Equatable {
    struct Record: Sendable {
        var account: String
        var hash: UInt64
        /// 0 marks an empty slot (generation ids start at 1).
        var generation: UInt64
        var shares0: UInt64, shares1: UInt64
        var debt0: UInt64, debt1: UInt64

        static let empty = Record(account: "", hash: 0, generation: 0, shares0: 0, shares1: 0, debt0: 0, debt1: 0)

        var position: LCTSQueue.Position {
            LCTSQueue.Position(generation: generation, shares: UInt256(w0: shares0, w1: shares1, w2: 0, w3: 0),
                               rewardDebt: UInt256(w0: debt0, w1: debt1, w2: 0, w3: 0))
        }
    }

    private var records: [Record] = []
    private var wide: [String: LCTSQueue.Position] = [:]
    /// Positions in `records`.
    private var stored = 0

    /// How many positions there are.
    var count: Int { stored + wide.count }

    private static func fits(_ position: LCTSQueue.Position) -> Bool {
        position.generation != 0 && position.shares.w2 == 0 && position.shares.w3 == 0
            && position.rewardDebt.w2 == 0 && position.rewardDebt.w3 == 0
    }

    /// The home slot of `hash`: the high half of hash * capacity (no power-of-two capacity needed).
    @inline(__always) private func home(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(records.count)).high)
    }

    @inline(__always) private static func hash(_ account: String) -> UInt64 {
        UInt64(bitPattern: Int64(account.hashValue))
    }

    /// The slot holding `account`, or nil.
    private func find(_ account: String, hash: UInt64) -> Int? {
        guard stored > 0 else { return nil }
        return records.withUnsafeBufferPointer { slots -> Int? in
            var index = home(hash)
            while true {
                let record = slots[index]
                if record.generation == 0 { return nil }
                if record.hash == hash && record.account == account { return index }
                index += 1
                if index == slots.count { index = 0 }
            }
        }
    }

    subscript(account: String) -> LCTSQueue.Position? {
        get {
            if let slot = find(account, hash: Self.hash(account)) { return records[slot].position }
            return wide.isEmpty ? nil : wide[account]
        }
        set {
            let hash = Self.hash(account)
            let slot = find(account, hash: hash)
            guard let position = newValue else {
                if let slot { remove(at: slot) } else if !wide.isEmpty { wide[account] = nil }
                return
            }
            guard Self.fits(position) else {
                if let slot { remove(at: slot) }
                wide[account] = position
                return
            }
            if !wide.isEmpty { wide[account] = nil }
            let record = Record(account: account, hash: hash, generation: position.generation,
                                shares0: position.shares.w0, shares1: position.shares.w1,
                                debt0: position.rewardDebt.w0, debt1: position.rewardDebt.w1)
            if let slot {
                records[slot] = record
                return
            }
            if (stored + 1) * 5 > records.count * 4 { grow() }
            insertNew(record)
            stored += 1
        }
    }

    private mutating func insertNew(_ record: Record) {
        let capacity = records.count
        var index = home(record.hash)
        records.withUnsafeMutableBufferPointer { slots in
            while slots[index].generation != 0 {
                index += 1
                if index == capacity { index = 0 }
            }
            slots[index] = record
        }
    }

    private mutating func grow() {
        let old = records
        let capacity = Swift.max(16, old.count + old.count / 2)
        records = [Record](unsafeUninitializedCapacity: capacity) { slots, initialized in
            // Before the first touch: a large table asks for huge pages, so a random lookup
            // at 1e6 accounts misses the TLB far less often (a 96 MB table in 4 KiB pages has
            // 24,000 of them).
            HugePages.advise(UnsafeMutableRawBufferPointer(slots))
            slots.initialize(repeating: .empty)
            initialized = capacity
        }
        for record in old where record.generation != 0 { insertNew(record) }
    }

    /// Backward-shift deletion: later records of the same probe run move up, so no tombstones.
    private mutating func remove(at slot: Int) {
        let capacity = records.count
        records.withUnsafeMutableBufferPointer { slots in
            var hole = slot
            var next = slot
            while true {
                next += 1
                if next == capacity { next = 0 }
                let record = slots[next]
                if record.generation == 0 { break }
                let want = Int(truncatingIfNeeded: record.hash.multipliedFullWidth(by: UInt64(capacity)).high)
                // The record stays if its home lies cyclically in (hole, next].
                let stays = hole <= next ? (want > hole && want <= next) : (want > hole || want <= next)
                if stays { continue }
                slots[hole] = record
                hole = next
            }
            slots[hole] = .empty
        }
        stored -= 1
    }

    /// Every position, as a dictionary (for reports, tests and encoding; O(n)).
    var dictionary: [String: LCTSQueue.Position] {
        var result = wide
        result.reserveCapacity(count)
        for record in records where record.generation != 0 { result[record.account] = record.position }
        return result
    }

    static func == (lhs: PositionStore, rhs: PositionStore) -> Bool {
        guard lhs.count == rhs.count, lhs.wide == rhs.wide else { return false }
        for record in lhs.records where record.generation != 0 {
            guard rhs[record.account] == record.position else { return false }
        }
        return true
    }
}
