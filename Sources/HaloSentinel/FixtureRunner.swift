import HaloArtifacts
import HaloCore

/// What happened to one step.
public struct StepResult: Sendable {
    /// The step's index.
    public var index: Int
    /// Its line in the fixture.
    public var line: Int
    /// When it ran.
    public var time: Timestamp
    /// Its kind (`subscribe`, `expect`, ...).
    public var action: String
    /// True when the step did what the fixture expects (including failing with `expect_error`).
    public var ok: Bool
    /// The failure, when the step failed or failed differently than expected.
    public var error: StepFailure?
    /// The code the fixture expected, if any.
    public var expectedError: String?
    /// For an `expect` step: the state it was checked against (dry-run's `final` plus the
    /// `signals` raised and `actions` applied so far), which `--update` writes back.
    public var observed: JSONValue? = nil
    /// The Unit's state after the step (`FixtureRunner.run(_:states: true)` only; HTML reports chart it).
    public var state: JSONValue? = nil
}

/// The outcome of one fixture run.
public struct DryRunResult: Sendable {
    /// The fixture file.
    public var fixture: String
    /// The fixture's name.
    public var name: String
    /// The Unit's name.
    public var unit: String
    /// The policy file (as shown) and its SHA-256.
    public var policyFile: String
    public var policySHA256: String?
    /// Per step.
    public var steps: [StepResult]
    /// Hook calls.
    public var decisions: [DecisionRecord]
    /// Signals raised.
    public var signals: [RaisedSignal]
    /// Actions applied or refused.
    public var actions: [ActionRecord]
    /// The final state.
    public var final: JSONValue
    /// What the policy printed.
    public var printed: [String]
    /// The policy could not load at all.
    public var loadFailure: PolicyFailure?
    /// Hook failures that the fixture did not expect (no `expect.signals` naming POLICY_FAILURE).
    public var unexpectedPolicyFailures: Int

    /// Every step ok and the policy loaded.
    public var passed: Bool { loadFailure == nil && steps.allSatisfy(\.ok) && unexpectedPolicyFailures == 0 }

    /// 0 pass, 1 a step or expectation failed, 3 a policy or sandbox failure.
    public var exitCode: Int32 {
        if loadFailure != nil || unexpectedPolicyFailures > 0 { return 3 }
        return steps.allSatisfy(\.ok) ? 0 : 1
    }

    /// The contract's `--json` document.
    public func json() -> JSONValue {
        .object([
            ("fixture", .string(fixture)),
            ("unit", .string(unit)),
            ("policy", .object([("file", .string(policyFile)), ("sha256", policySHA256.map { .string($0) } ?? .null)])),
            ("passed", .bool(passed)),
            ("steps", .array(steps.map { step in
                .object([
                    ("index", .int(Int64(step.index))), ("line", .int(Int64(step.line))),
                    ("time", .string(step.time.iso8601)), ("action", .string(step.action)), ("ok", .bool(step.ok)),
                    ("error", step.error.map { .object([("code", .string($0.code)), ("message", .string($0.message))]) } ?? .null),
                ])
            })),
            ("decisions", .array(decisions.map(UnitSentinel.json))),
            ("signals", .array(signals.map(UnitSentinel.json))),
            ("actions", .array(actions.map(UnitSentinel.json))),
            ("final", final),
        ] + (loadFailure.map { [("policy_error", JSONValue.string($0.description))] } ?? []))
    }
}

/// Runs fixtures on a simulated clock. Touches nothing real.
///
/// ```swift
/// let fixture = try Fixture.load(path: "examples/passthrough-alpha/units/tbill/tests/normal-week.yaml")
/// let result = try FixtureRunner.run(fixture)
/// print(result.passed)
/// ```
public enum FixtureRunner {
    /// Runs `fixture`; input errors (artifacts, times going backwards) throw ``ArtifactError``.
    public static func run(_ fixture: Fixture, stdlib explicitStdlib: String? = nil, trace: Bool = false,
                           states: Bool = false) throws(ArtifactError) -> DryRunResult {
        let halo = try HaloLocator.halo(for: fixture.unit, explicit: fixture.haloPath)
        let stdlib = explicitStdlib ?? StdlibLocator.find(near: [fixture.path, fixture.unit.policyFile])
        let times = try stepTimes(fixture)
        // The same input checks as `halo check` and `halo run`: a missing policy file, a pin or
        // template mismatch is invalid input (exit 2), not a policy failure.
        try UnitValidation.checkFiles(fixture.unit, templates: halo?.templates ?? [:])
        let sentinel: UnitSentinel
        do {
            sentinel = try UnitSentinel(artifact: fixture.unit, schedule: halo?.settlement ?? .standard, start: fixture.start,
                                        stdlib: stdlib, migrationProcedure: halo?.procedures["migration"],
                                        exchangeRate: fixture.rate, dailyClock: fixture.clock == .daily)
        } catch {
            throw ArtifactError(.artifactInvalid, file: fixture.unit.path, line: nil, field: nil, error.message)
        }
        sentinel.traceInputs = trace
        sentinel.restoreState(StateStore.table(from: fixture.state))
        for (account, balances) in fixture.accounts {
            for (asset, amount) in balances where !amount.units.isZero {
                do {
                    try sentinel.perform(.fund(account: account, asset: asset, amount: amount), at: fixture.start)
                } catch {
                    throw ArtifactError(.fixtureInvalid, file: fixture.path, line: nil, field: "accounts.\(account).\(asset)", error.message)
                }
            }
        }

        var results: [StepResult] = []
        if sentinel.policyLoadFailure == nil {
            for (step, time) in zip(fixture.steps, times) {
                results.append(run(step, at: time, on: sentinel, authority: Authority(roles: halo?.roles ?? .implicit(units: [fixture.unit.name]))))
                if states { results[results.count - 1].state = sentinel.snapshot() }
            }
        }
        let expectsFailure = fixture.steps.contains { step in
            if case .expect(let expectation) = step.action { return expectation.signals?.contains(UnitSentinel.policyFailure) == true }
            return false
        }
        let identity = sentinel.policyIdentity
        return DryRunResult(fixture: fixture.path, name: fixture.name, unit: fixture.unit.name,
                            policyFile: PolicyHost.chunkName(identity.file), policySHA256: identity.sha256,
                            steps: results, decisions: sentinel.decisions, signals: sentinel.signals,
                            actions: sentinel.actions, final: sentinel.snapshot(), printed: sentinel.printed,
                            loadFailure: sentinel.policyLoadFailure,
                            unexpectedPolicyFailures: expectsFailure ? 0 : sentinel.policyFailures)
    }

    static func run(_ step: FixtureStep, at time: Timestamp, on sentinel: UnitSentinel, authority: Authority) -> StepResult {
        sentinel.advance(to: time)
        var result = StepResult(index: step.index, line: step.line, time: time, action: step.action.name, ok: true,
                                error: nil, expectedError: step.expectError)
        guard let expected = step.expectError else {
            do { try authority.perform(step, on: sentinel, at: time, source: .fixture) } catch {
                result.ok = false
                result.error = error
            }
            if case .expect = step.action { result.observed = sentinel.observedForExpect() }
            return result
        }
        let before = sentinel.snapshot()
        do {
            try authority.perform(step, on: sentinel, at: time, source: .fixture)
            result.ok = false
            result.error = StepFailure(code: "expectation-failed", message: "expected the step to fail with \(expected), but it succeeded")
        } catch {
            if error.code != expected {
                result.ok = false
                result.error = StepFailure(code: "expectation-failed",
                                           message: "expected error \(expected), got \(error.code): \(error.message)")
            } else if sentinel.snapshot() != before {
                result.ok = false
                result.error = StepFailure(code: "expectation-failed", message: "the step failed with \(expected) but changed state")
            }
        }
        return result
    }

    /// The time of every step; time never goes backwards.
    static func stepTimes(_ fixture: Fixture) throws(ArtifactError) -> [Timestamp] {
        var current = fixture.start
        var times: [Timestamp] = []
        for step in fixture.steps {
            switch step.time {
            case .same: break
            case .at(let time):
                guard time >= current else {
                    throw ArtifactError(.fixtureInvalid, file: fixture.path, line: step.line, field: "steps[\(step.index)].at",
                                        "\(time.iso8601) is before the previous step (\(current.iso8601)); time only moves forward")
                }
                current = time
            case .after(let span):
                current = Timestamp(seconds: current.seconds + span.milliseconds / 1000)
            }
            // Bounded work: a jump past the horizon would fire a cycle for every day on the way.
            let previous = times.last ?? fixture.start
            if current.seconds - previous.seconds > CatchUp.horizonSeconds {
                throw ArtifactError(.fixtureInvalid, file: fixture.path, line: step.line, field: "steps[\(step.index)]",
                                    "\(current.iso8601) is \(CatchUp.describeGap(from: previous, to: current)) after the previous step; "
                                    + "a step may be at most \(CatchUp.horizonDays) days after the one before")
            }
            times.append(current)
        }
        return times
    }
}
