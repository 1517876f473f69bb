import HaloArtifacts
import HaloCore
import LuaSandbox

extension UnitSentinel {
    /// How many of the hook outcomes handed to ``replay(_:)`` no hook call has used yet.
    ///
    /// A journal record's outcomes are exactly the hook calls its event caused in the live
    /// run, so a replay that finishes a record with outcomes left over (or with
    /// ``replayDiverged`` set) did not call the hooks the live run called: the Unit Artifact
    /// or its policy's hook set changed since. `halo replay` refuses to compare against such
    /// a baseline.
    public var unusedReplayOutcomes: Int { replayTape.count }
}

extension UnitSentinel {
    /// Puts `file` in charge at once, even inside the processing window (where a hot reload
    /// waits for settlement): `halo replay` asks what the candidate would have decided had it
    /// been running from that moment. Throws the load failure (`policy-error`, ...); on
    /// failure the previous policy stays.
    public func takeOver(policy file: String, at time: Timestamp) throws(PolicyFailure) {
        let candidate = try PolicyHost(file: file, limits: artifact.limits, stdlib: stdlib, pin: nil)
        pendingReload = nil
        swap(to: candidate, at: time)
    }
}

extension UnitSentinel {
    /// Asks ``shadow`` the question `hook` is about to be asked, on the same ctx and state.
    func askShadow(_ shadow: ShadowPolicy, hook: String, at time: Timestamp, cycle: CycleInfo?, extra: [LuaValue]) {
        let decimals = artifact.decimals(of: artifact.underlying)
        let fallback: JSONValue = hook == "settle" ? Self.json(.nothing) : .array([])
        defer { _ = shadow.host.takePrinted() }
        // A hook the shadow does not define would not have been called: no answer.
        guard shadow.host.hooks.contains(hook) else { return }
        do throws(PolicyFailure) {
            let context = ContextBuilder.context(for: self, hook: hook, cycle: cycle, types: shadow.host.userdataTypes)
            let (results, _) = try shadow.host.call(hook, encodedContext: context, state: state, extra: extra, clock: time)
            let result: JSONValue
            switch hook {
            case "settle":
                let view = settleView(at: time, settleTime: cycle?.settleTime ?? time)
                result = Self.json(try DecisionValidator.settle(results, view: view))
            case "signals":
                result = .array(try DecisionValidator.signals(results, declared: artifact.signals, at: time).map(Self.json))
            default:
                result = .array(try DecisionValidator.actions(results, hook: hook, underlyingDecimals: decimals).map(Self.json))
            }
            shadow.calls.append(.init(time: time, hook: hook, result: result, failure: nil))
        } catch {
            shadow.calls.append(.init(time: time, hook: hook, result: fallback, failure: error))
        }
    }
}
