internal import CPrefetch

/// The positions of one ``LCTSQueue``, keyed by account: an open-addressing hash table
/// (linear probing, backward-shift deletion, at most 80 % full, grown by half) kept as two
/// parallel arrays, a 4-byte tag per slot and a 48-byte record per slot.
///
/// - The tags (32 bits of the account's hash; 0 marks an empty slot) are all that probing
///   and deletion read: 1e6 positions have about 5 MB of them, which stay in cache, where
///   probing the records themselves walked several cache lines per lookup. The home slot is
///   derived from the tag, so backward-shift deletion never reads a record it does not move.
/// - A record holds the account (a `String`: names up to 15 UTF-8 bytes are stored inline in
///   its 16 bytes; a longer name's bytes live in the string's own heap buffer, which a lookup
///   reads only after the tag matched), the generation (32 bits) and the low 112 bits of
///   `shares` and of `rewardDebt`: so a lookup reads one record, one or two adjacent cache
///   lines, and 1e6 positions take about 70 MB (tags included) instead of about 86 MB with
///   64-byte records, or about 200 MB in a `Dictionary`.
/// - A position that does not fit (a generation past 2^32, or shares or reward debt of 2^112
///   base units or more: 5.2e15 tokens at 18 decimals, or a WAD reward per share of 5.2e15)
///   lives in a side dictionary, so every value stays exact.
///
/// Both arrays are allocated aligned (to 64 bytes, or to 2 MiB with transparent huge pages
/// advised for a large table, see ``HugePages``), so a random lookup at 1e6 accounts rarely
/// misses the TLB.
///
/// An operation hashes its account once (``key(_:)``), which also asks for the cache lines of
/// the account's tag and home record (``prefetch(_:)``): at 1e6 positions both are memory
/// reads, and issued together at the start of an operation they overlap each other and the
/// operation's other work instead of stalling it one after the other.
///
/// A value type: copies share one table until one of them writes (copy-on-write).
struct PositionStore: Sendable, Equatable {
    /// One occupied slot: 48 bytes.
    struct Record {
        var account: String
        /// Low 64 bits of shares.
        var shares0: UInt64
        /// Low 64 bits of the reward debt.
        var debt0: UInt64
        /// Bits 64-111 of shares, then the generation's low 16 bits on top.
        var shares1: UInt64
        /// Bits 64-111 of the reward debt, then the generation's high 16 bits on top.
        var debt1: UInt64

        /// The position in the 48-byte form, or nil when it needs the side dictionary.
        @inline(__always) static func packing(_ position: LCTSQueue.Position) -> (UInt64, UInt64, UInt64, UInt64)? {
            let shares = position.shares, debt = position.rewardDebt
            guard position.generation >> 32 == 0, shares.w1 >> 48 == 0, debt.w1 >> 48 == 0,
                  shares.w2 | shares.w3 | debt.w2 | debt.w3 == 0
            else { return nil }
            return (shares.w0, debt.w0, shares.w1 | position.generation << 48,
                    debt.w1 | (position.generation >> 16) << 48)
        }

        @inline(__always) mutating func store(_ packed: (UInt64, UInt64, UInt64, UInt64)) {
            (shares0, debt0, shares1, debt1) = packed
        }

        var position: LCTSQueue.Position {
            let low48: UInt64 = (1 << 48) - 1
            return LCTSQueue.Position(generation: shares1 >> 48 | (debt1 >> 48) << 16,
                                      shares: UInt256(w0: shares0, w1: shares1 & low48, w2: 0, w3: 0),
                                      rewardDebt: UInt256(w0: debt0, w1: debt1 & low48, w2: 0, w3: 0))
        }
    }

    /// The two arrays. Shared between copies of the store until one of them writes.
    final class Table: @unchecked Sendable {
        let capacity: Int
        /// Per slot: 0 = empty, else the account's tag (32 high bits of its hash, never 0).
        let tags: UnsafeMutablePointer<UInt32>
        /// Per slot: initialized exactly where the tag is not 0.
        let records: UnsafeMutablePointer<Record>

        init(capacity: Int) {
            // The home slot is (tag * capacity) >> 32.
            precondition(capacity > 0 && capacity <= Int(UInt32.max), "position table capacity out of range")
            self.capacity = capacity
            tags = HugePages.allocate(byteCount: capacity * MemoryLayout<UInt32>.stride)
                .initializeMemory(as: UInt32.self, repeating: 0, count: capacity)
            records = HugePages.allocate(byteCount: capacity * MemoryLayout<Record>.stride)
                .bindMemory(to: Record.self, capacity: capacity)
        }

        /// An equal table of its own (for a copy about to be written).
        func copy() -> Table {
            let copy = Table(capacity: capacity)
            copy.tags.update(from: tags, count: capacity)
            for slot in 0..<capacity where tags[slot] != 0 { (copy.records + slot).initialize(to: records[slot]) }
            return copy
        }

        deinit {
            for slot in 0..<capacity where tags[slot] != 0 { (records + slot).deinitialize(count: 1) }
            HugePages.deallocate(UnsafeMutableRawPointer(tags), byteCount: capacity * MemoryLayout<UInt32>.stride)
            HugePages.deallocate(UnsafeMutableRawPointer(records), byteCount: capacity * MemoryLayout<Record>.stride)
        }

        @inline(__always) func home(_ tag: UInt32) -> Int { Self.home(tag, capacity: capacity) }

        @inline(__always) static func home(_ tag: UInt32, capacity: Int) -> Int {
            Int(truncatingIfNeeded: (UInt64(tag) &* UInt64(truncatingIfNeeded: capacity)) >> 32)
        }

        /// The slot holding `account`, or nil.
        @inline(__always) func find(_ account: String, tag: UInt32) -> Int? {
            var slot = home(tag)
            while true {
                let found = tags[slot]
                if found == 0 { return nil }
                if found == tag && records[slot].account == account { return slot }
                slot += 1
                if slot == capacity { slot = 0 }
            }
        }

        /// Puts a record into the first empty slot of its probe run (the account is absent).
        @inline(__always) func insert(_ record: Record, tag: UInt32) {
            var slot = home(tag)
            while tags[slot] != 0 {
                slot += 1
                if slot == capacity { slot = 0 }
            }
            tags[slot] = tag
            (records + slot).initialize(to: record)
        }

        /// Backward-shift deletion: later records of the same probe run move up, so there are
        /// no tombstones. Reads only tags, and the records it moves.
        func remove(at slot: Int) {
            (records + slot).deinitialize(count: 1)
            var hole = slot
            var next = slot
            while true {
                next += 1
                if next == capacity { next = 0 }
                let tag = tags[next]
                if tag == 0 { break }
                let want = home(tag)
                // The record stays if its home lies cyclically in (hole, next].
                let stays = hole <= next ? (want > hole && want <= next) : (want > hole || want <= next)
                if stays { continue }
                tags[hole] = tag
                (records + hole).moveInitialize(from: records + next, count: 1)
                hole = next
            }
            tags[hole] = 0
        }
    }

    private var table: Table?
    private var wide: [String: LCTSQueue.Position] = [:]
    /// Positions in `table`.
    private var stored = 0

    /// How many positions there are.
    var count: Int { stored + wide.count }

    /// An account with its tag: hashed once, looked up and written with the same hash.
    struct Key: Sendable {
        let account: String
        let tag: UInt32

        /// The account's key. Its tag is the high 32 bits of its (per-process seeded) hash,
        /// never 0.
        @inline(__always) init(_ account: String) {
            self.account = account
            let tag = UInt32(truncatingIfNeeded: UInt64(bitPattern: Int64(account.hashValue)) >> 32)
            self.tag = tag == 0 ? 1 : tag
        }
    }

    /// The account's key, with the lines its lookup will read already asked for
    /// (``prefetch(_:)``). Call it first thing in an operation, and look up with the key.
    @inline(__always) func key(_ account: String) -> Key {
        let key = Key(account)
        prefetch(key)
        return key
    }

    /// Asks the cache for what a lookup of `key` reads first: the tag's line and the two
    /// lines from the home record's start (the home record whole, and most often the next
    /// one, where a displaced record sits). A hint only; nothing is read or changed, and for
    /// the last slot the second line may lie past the table, which a prefetch never faults on.
    @inline(__always) func prefetch(_ key: Key) {
        // The table's fields read through the optional, never bound to a name: bound, the
        // optimizer kept a retain and a release around the hints (about 10 ns at 1e3).
        guard stored > 0, let tags = table?.tags, let records = table?.records, let capacity = table?.capacity
        else { return }
        let slot = Table.home(key.tag, capacity: capacity)
        halo_prefetch(tags + slot)
        let record = UnsafeRawPointer(records + slot)
        halo_prefetch(record)
        halo_prefetch(record + 64)
    }

    subscript(account: String) -> LCTSQueue.Position? {
        get { self[Key(account)] }
        set { self[Key(account)] = newValue }
    }

    subscript(key: Key) -> LCTSQueue.Position? {
        get {
            if stored > 0, let table, let slot = table.find(key.account, tag: key.tag) {
                return table.records[slot].position
            }
            return wide.isEmpty ? nil : wide[key.account]
        }
        set {
            let account = key.account, tag = key.tag
            let slot = stored > 0 ? table?.find(account, tag: tag) : nil
            guard let position = newValue else {
                if let slot {
                    uniqueTable().remove(at: slot)
                    stored -= 1
                } else if !wide.isEmpty {
                    wide[account] = nil
                }
                return
            }
            guard let packed = Record.packing(position) else {
                if let slot {
                    uniqueTable().remove(at: slot)
                    stored -= 1
                }
                wide[account] = position
                return
            }
            if let slot {
                // The same account: only the values change.
                uniqueTable().records[slot].store(packed)
                return
            }
            if !wide.isEmpty { wide[account] = nil }
            if (stored + 1) * 5 > (table?.capacity ?? 0) * 4 { grow() }
            var record = Record(account: account, shares0: 0, debt0: 0, shares1: 0, debt1: 0)
            record.store(packed)
            uniqueTable().insert(record, tag: tag)
            stored += 1
        }
    }

    /// The table, copied first if another store shares it.
    @inline(__always) private mutating func uniqueTable() -> Table {
        if !isKnownUniquelyReferenced(&table) { table = table!.copy() }
        return table!
    }

    private mutating func grow() {
        let unique = isKnownUniquelyReferenced(&table)
        let old = table
        let capacity = Swift.max(16, (old?.capacity ?? 0) * 3 / 2)
        let new = Table(capacity: capacity)
        if let old {
            if unique {
                // Move the records over, and leave the old table empty so it releases nothing.
                for slot in 0..<old.capacity where old.tags[slot] != 0 {
                    let tag = old.tags[slot]
                    new.insert((old.records + slot).move(), tag: tag)
                    old.tags[slot] = 0
                }
            } else {
                for slot in 0..<old.capacity where old.tags[slot] != 0 {
                    new.insert(old.records[slot], tag: old.tags[slot])
                }
            }
        }
        table = new
    }

    /// Every position, as a dictionary (for reports, tests and encoding; O(n)).
    var dictionary: [String: LCTSQueue.Position] {
        var result = wide
        result.reserveCapacity(count)
        if let table {
            for slot in 0..<table.capacity where table.tags[slot] != 0 {
                result[table.records[slot].account] = table.records[slot].position
            }
        }
        return result
    }

    static func == (lhs: PositionStore, rhs: PositionStore) -> Bool {
        guard lhs.count == rhs.count, lhs.wide == rhs.wide else { return false }
        guard let table = lhs.table else { return true }
        for slot in 0..<table.capacity where table.tags[slot] != 0 {
            let record = table.records[slot]
            guard rhs[record.account] == record.position else { return false }
        }
        return true
    }
}
