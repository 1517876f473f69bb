/// How hard SQLite pushes each commit to the disk (`PRAGMA synchronous`) in WAL mode.
///
/// - ``full``: every commit fsyncs the WAL before returning. An acknowledged batch survives
///   `kill -9`, a kernel panic and a power cut. Costs one fsync per commit, which is why the
///   Sentinel group-commits batches.
/// - ``normal``: commits are written to the WAL but fsynced only at checkpoints. An acknowledged
///   batch survives `kill -9` of the process (the OS still has the pages), but an OS crash or
///   power cut may lose the last few commits. The journal is never corrupted either way, and
///   the chain stays valid: the lost commits simply never happened.
///
/// ```swift
/// let fast = JournalConfiguration(synchronous: .normal)
/// ```
public enum JournalSynchronous: String, Sendable, CaseIterable {
    /// `PRAGMA synchronous=FULL`, the default: durable against power loss.
    case full
    /// `PRAGMA synchronous=NORMAL`: durable against process death only.
    case normal

    /// The value SQLite reports for `PRAGMA synchronous` under this setting.
    var pragmaValue: Int { self == .full ? 2 : 1 }
}
