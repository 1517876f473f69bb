#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The advisory lock (`flock` on `DIR/journal.lock`) that makes the running Sentinel the
/// only writer of a state directory.
///
/// SQLite already serializes transactions, so a second writer could not break the chain;
/// the lock exists so that two Sentinels never apply the same feed to one state at all.
/// The kernel drops the lock when the process dies, so `kill -9` never leaves it stale.
final class JournalWriterLock {
    private var descriptor: Int32

    /// Takes the lock without waiting; throws `journal-locked` if another handle holds it.
    init(path: String, journalFile: String) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw JournalError.io(file: path, detail: "cannot open the writer lock file (errno \(errno))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let reason = errno
            close(descriptor)
            descriptor = -1
            if reason == EWOULDBLOCK {
                throw JournalError.locked(
                    file: journalFile, detail: "another Sentinel is running on this state directory (\(path) is held)")
            }
            throw JournalError.io(file: path, detail: "cannot lock (errno \(reason))")
        }
    }

    /// Releases the lock; later calls do nothing.
    func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
