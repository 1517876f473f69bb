#if canImport(Glibc)
    import Glibc
#endif

/// Transparent huge pages for large, randomly accessed tables (the LCTS position store).
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
}
