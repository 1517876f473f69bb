import LuaShim

extension LuaSandbox {
    /// The Lua release the sandbox was built against and the running core's version
    /// (`("Lua 5.4.6", 504)`), for `halo --version`.
    public static var luaVersion: (release: String, core: Int) {
        (String(cString: halo_lua_release()), Int(halo_lua_version_number()))
    }

    /// Starts recording which lines of file chunks (`@path`) run, for `halo test --coverage`.
    ///
    /// A line hook joins the budget's count hook; it charges nothing, so instruction counts
    /// and budgets are the same with or without coverage. Costs time: coverage mode only.
    public func startCoverage() {
        guard coverageRecord == nil else { return }
        let record = UnsafeMutablePointer<halo_coverage>.allocate(capacity: 1)
        coverageRecord = record
        halo_coverage_start(state, record)
    }

    /// The lines run so far, by chunk name (the file path without `@`); empty without coverage.
    public func coveredLines() -> [String: Set<Int>] {
        guard let record = coverageRecord else { return [:] }
        var result: [String: Set<Int>] = [:]
        for index in 0..<Int(record.pointee.nfiles) {
            let entry = halo_coverage_entry(record, Int32(index))!
            let name = withUnsafeBytes(of: entry.pointee.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            var lines = Set<Int>()
            withUnsafeBytes(of: entry.pointee.lines) { bits in
                for byte in bits.indices where bits[byte] != 0 {
                    for bit in 0..<8 where bits[byte] & (1 << bit) != 0 { lines.insert(byte * 8 + bit) }
                }
            }
            result[name, default: []].formUnion(lines)
        }
        return result
    }
}
