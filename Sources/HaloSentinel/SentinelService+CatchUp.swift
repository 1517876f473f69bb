import Foundation
import HaloArtifacts
import HaloCore
import HaloJournal

extension SentinelService {
    /// Why an event dated `time` cannot be applied on the simulated clock: nil when it is
    /// within ``CatchUp/horizonDays`` of the Sentinel's clock.
    func horizonFailure(_ time: Timestamp?) -> String? {
        guard started, let time, time.seconds - now.seconds > CatchUp.horizonSeconds else { return nil }
        return "event time \(time.iso8601) is \(CatchUp.describeGap(from: now, to: time)) after the Sentinel's clock \(now.iso8601); "
            + "the horizon is \(CatchUp.horizonDays) days (an event that far ahead would run a cycle for every day on the way)"
    }

    /// Moves every Unit's clock towards `time` one day at a time, committing each day as a
    /// `clock` record before the next one runs, until less than a day is left (the caller's
    /// own move covers the rest). A long gap so commits as it goes and a crash loses at most a
    /// day of catch-up work; when it takes longer than ``progressEvery`` seconds of wall time a
    /// progress line goes to ``onLog``.
    func catchUp(to time: Timestamp) throws(ServiceError) {
        guard started, time.seconds - now.seconds > CatchUp.stepSeconds else { return }
        if time.seconds - now.seconds > CatchUp.horizonSeconds {
            throw ServiceError(code: CatchUp.tooFarCode,
                               message: "the clock moved from \(now.iso8601) to \(time.iso8601), \(CatchUp.describeGap(from: now, to: time)); "
                                   + "the horizon is \(CatchUp.horizonDays) days", invalidInput: false)
        }
        let from = now
        let totalDays = (time.seconds - from.seconds) / Timestamp.secondsPerDay
        var lastProgress = wallClock()
        var reported = false
        while time.seconds - now.seconds > CatchUp.stepSeconds {
            let step = now.adding(seconds: CatchUp.stepSeconds)
            queueAdvance(to: step)
            if !pendingClocks.isEmpty {
                let payload = JSONValue.object([("time", .string(step.iso8601)), ("clocks", takeClocks()),
                                                ("revision", .int(Int64(halo.revision)))])
                pendingDrafts.append(JournalRecordDraft(kind: Self.clockKind, time: step.iso8601, payload: payload.serialized()))
            }
            appendSwapRecords()
            try flush()
            let wall = wallClock()
            if wall - lastProgress >= progressEvery {
                lastProgress = wall
                reported = true
                let done = (now.seconds - from.seconds) / Timestamp.secondsPerDay
                onLog("catching up: \(now.iso8601), day \(done) of \(totalDays) (committed)")
            }
        }
        if reported { onLog("caught up to \(now.iso8601)") }
    }
}
