import Foundation
import HaloArtifacts
import HaloCore

extension SentinelService {
    /// Loads the Halo Artifact at `path` and runs every start-up check (``UnitValidation``):
    /// the same checks `halo check` and `halo dry-run` make, so what they accept runs and what
    /// they refuse does not start. Every failure is invalid input (exit 2). A reader (`halo
    /// state`, `journal verify`) only loads the artifacts: it runs nothing new.
    static func validatedHalo(_ path: String, startup: Bool) throws(ServiceError) -> HaloArtifact {
        let halo: HaloArtifact
        do {
            halo = try HaloArtifact.load(path: path)
        } catch {
            throw UnitValidation.serviceError(error)
        }
        if startup, let failure = UnitValidation.startupFailure(of: halo, stdlib: StdlibLocator.find(near: [path])) {
            throw failure
        }
        return halo
    }

    /// True when an event dated `time` may start a fresh simulated journal's clock: not more
    /// than the horizon after the wall clock (a first event dated 9999 would otherwise make
    /// every later event "before the clock"; it is refused like any event past the horizon).
    func canStart(at time: Timestamp?) -> Bool {
        guard let time else { return true }
        return time.seconds - Int64(wallClock()) <= CatchUp.horizonSeconds
    }

    /// Creates the Units at the first event's time on a fresh simulated journal. The Halo was
    /// validated before the journal was opened, so this fails only when a file changed since;
    /// then nothing of the batch is consumed and the run stops (exit 3).
    func startIfNeeded(at time: Timestamp?) throws(ServiceError) {
        guard !started else { return }
        let midnight = (time ?? Timestamp(seconds: Int64(Date().timeIntervalSince1970))).startOfDay
        do {
            try begin(at: midnight)
        } catch {
            pendingDrafts = []
            throw ServiceError(code: error.code, message: "cannot start: \(error.message)", invalidInput: false)
        }
        now = midnight
    }
}
