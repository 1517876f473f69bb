#if canImport(Glibc)
    import Glibc
#endif

/// Memory for large, randomly accessed tables (the LCTS position store), backed by
/// transparent huge pages where the system allows.
///
/// Linux's `madvise(MADV_HUGEPAGE)` on the 2 MiB-aligned interior of a buffer not yet touched:
/// the kernel then backs it with 2 MiB pages where it can (when transparent huge pages are
/// `always` or `madvise`; with `never` the advice is a no-op). Only a hint: a refusal changes
/// nothing but speed. Elsewhere, nothing.
enum HugePages {
    static let size = 2 << 20

    /// Advises huge pages for `buffer` when it spans at least two of them.
    static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
            guard let base = buffer.baseAddress, buffer.count >= 2 * size else { return }
            let start = (Int(bitPattern: base) + size - 1) & ~(size - 1)
            let end = (Int(bitPattern: base) + buffer.count) & ~(size - 1)
            guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
            _ = madvise(pointer, end - start, MADV_HUGEPAGE)
        #endif
    }

    /// Whether a table of `byteCount` bytes gets a mapping of its own (64 KiB or more, on
    /// Linux) rather than heap memory.
    static func mapsPages(_ byteCount: Int) -> Bool {
        #if os(Linux)
            return byteCount >= 1 << 16
        #else
            return false
        #endif
    }

    /// Uninitialized memory for a table of `byteCount` bytes, aligned to a cache line (64
    /// bytes) at least. On Linux a table of 64 KiB or more gets an anonymous mapping of its
    /// own, so freeing it (when the table grows) returns it to the system at once: from
    /// malloc, the freed smaller tables of a growing store stayed resident in the heap
    /// (about 10 MB at 1e6 positions). One of two huge pages or more is 2 MiB-aligned and
    /// advised before its first touch, so all of it can be backed by huge pages. Free with
    /// ``deallocate(_:byteCount:)`` and the same `byteCount`.
    ///
    /// ```swift
    /// let memory = HugePages.allocate(byteCount: 96 << 20)   // 2 MiB-aligned, advised
    /// defer { HugePages.deallocate(memory, byteCount: 96 << 20) }
    /// ```
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        #if os(Linux)
            if mapsPages(byteCount) {
                let alignment = byteCount >= 2 * size ? size : page
                let length = mappedLength(byteCount)
                let mapping = length + alignment - page
                guard let mapped = mmap(nil, mapping, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                      mapped != MAP_FAILED
                else { fatalError("out of memory: a table of \(byteCount) bytes") }
                // Keep the aligned part; give back the pages before and after it.
                let start = (Int(bitPattern: mapped) + alignment - 1) & ~(alignment - 1)
                let head = start - Int(bitPattern: mapped)
                let memory = UnsafeMutableRawPointer(bitPattern: start)!
                if head > 0 { _ = munmap(mapped, head) }
                if mapping - head - length > 0 { _ = munmap(memory + length, mapping - head - length) }
                advise(UnsafeMutableRawBufferPointer(start: memory, count: length))
                return memory
            }
        #endif
        return UnsafeMutableRawPointer.allocate(byteCount: Swift.max(byteCount, 1), alignment: 64)
    }

    #if os(Linux)
        private static let page = Int(sysconf(Int32(_SC_PAGESIZE)))

        /// `byteCount` rounded up to whole pages, and a huge table's to whole huge pages, so
        /// its last part is not left in small pages (under 2 MiB more for 4 MiB or more).
        private static func mappedLength(_ byteCount: Int) -> Int {
            let unit = byteCount >= 2 * size ? size : page
            return (byteCount + unit - 1) / unit * unit
        }
    #endif

    /// Frees memory from ``allocate(byteCount:)``.
    static func deallocate(_ memory: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
            if mapsPages(byteCount) {
                _ = munmap(memory, mappedLength(byteCount))
                return
            }
        #endif
        memory.deallocate()
    }
}
