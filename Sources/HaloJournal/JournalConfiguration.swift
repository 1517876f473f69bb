import Foundation

/// How a ``Journal`` is opened.
///
/// ```swift
/// var configuration = JournalConfiguration(role: .writer)
/// configuration.synchronous = .normal   // faster, durable against kill -9 but not power loss
/// let journal = try Journal(directory: stateDir, configuration: configuration)
/// ```
public struct JournalConfiguration: Sendable, Equatable {
    /// What this process may do; see ``JournalRole``.
    public var role: JournalRole
    /// Durability of each commit; see ``JournalSynchronous``. Default ``JournalSynchronous/full``.
    public var synchronous: JournalSynchronous
    /// How long a write waits for another process's write (e.g. `halo submit`) before
    /// failing with `journal-locked`. Commits take milliseconds, so seconds is generous.
    public var busyTimeout: TimeInterval
    /// How many snapshots to keep; older ones are deleted when a new one is saved.
    /// Two, so that one good snapshot remains if the newest turns out unreadable.
    public var snapshotsToKeep: Int

    /// Creates a configuration; every parameter has the durable default.
    ///
    /// ```swift
    /// let reader = JournalConfiguration(role: .reader)
    /// ```
    public init(
        role: JournalRole = .writer,
        synchronous: JournalSynchronous = .full,
        busyTimeout: TimeInterval = 5,
        snapshotsToKeep: Int = 2
    ) {
        self.role = role
        self.synchronous = synchronous
        self.busyTimeout = busyTimeout
        self.snapshotsToKeep = snapshotsToKeep
    }
}
