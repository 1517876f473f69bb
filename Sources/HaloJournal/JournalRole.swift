/// What a process may do with a journal; the role decides locking and which calls are allowed.
///
/// Exactly one process, the running Sentinel, holds ``writer``: it alone appends to the chain,
/// saves snapshots and drains the inbox. `halo submit` opens the same journal as ``submitter``
/// (it only inserts into the inbox), and `halo state` / `halo journal verify` as ``reader``.
///
/// ```swift
/// let journal = try Journal(directory: stateDir, configuration: .init(role: .submitter))
/// _ = try journal.submit(payload: eventJSON)
/// ```
public enum JournalRole: String, Sendable, CaseIterable {
    /// The Sentinel: takes the exclusive writer lock (`journal.lock`); a second writer gets `journal-locked`.
    case writer
    /// `halo submit`: may create the journal and insert into the inbox, never touches the chain.
    case submitter
    /// Read-only: opens an existing journal without writing anything, even while a writer runs.
    case reader
}
