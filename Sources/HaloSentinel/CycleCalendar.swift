import HaloArtifacts
import HaloCore

/// The Halo's daily cycle as events in time: lock and settlement on every non-skipped day.
struct CycleCalendar {
    enum Kind { case lock, settle }
    struct Event { var time: Timestamp; var kind: Kind }

    let spec: SettlementSpec

    init(_ spec: SettlementSpec) { self.spec = spec }

    /// Lock and settle events with `from < time <= to`, in order.
    func events(after from: Timestamp, through to: Timestamp) -> [Event] {
        guard to > from else { return [] }
        var result: [Event] = []
        var day = from.seconds - from.seconds.modulo(86_400)
        while day <= to.seconds {
            let midnight = Timestamp(seconds: day)
            if !spec.skip.contains(midnight.weekday) {
                let lock = Timestamp(seconds: day + Int64(spec.lock.hour * 3600 + spec.lock.minute * 60))
                let settle = Timestamp(seconds: day + Int64(spec.settle.hour * 3600 + spec.settle.minute * 60))
                if lock > from && lock <= to { result.append(Event(time: lock, kind: .lock)) }
                if settle > from && settle <= to { result.append(Event(time: settle, kind: .settle)) }
            }
            day += 86_400
        }
        return result
    }

    /// The settlement time on the day of `time`.
    func settleTime(sameDayAs time: Timestamp) -> Timestamp {
        let day = time.seconds - time.seconds.modulo(86_400)
        return Timestamp(seconds: day + Int64(spec.settle.hour * 3600 + spec.settle.minute * 60))
    }
}

extension Int64 {
    /// The non-negative remainder (times before 1970 still fall on the right day).
    func modulo(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
