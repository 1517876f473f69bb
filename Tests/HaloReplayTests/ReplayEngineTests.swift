import Foundation
import HaloArtifacts
import HaloCore
import HaloReplay
import HaloSentinel
import Testing

/// `halo replay` against the journal of the shipped three-week feed.
@Suite struct ReplayEngineTests {
    func time(_ text: String) -> Timestamp { try! Timestamp(iso8601: text) }

    @Test func theRecordedPolicyReplaysIdenticallyAndTouchesNothing() throws {
        let history = try ReplayHistory()
        let before = try history.stateDigests()
        // Matched to tbill-a by its file; no --unit needed.
        let report = try ReplayEngine.run(stateDirectory: history.state, options: ReplayOptions(policy: history.path("policies/tbill.lua")))
        #expect(report.unit == "tbill-a")
        #expect(report.exitCode == 0, "\(report.text())")
        #expect(report.differences.isEmpty)
        #expect(report.failures.isEmpty)
        #expect(report.hookCalls.recorded == report.hookCalls.candidate)
        #expect(report.hookCalls.recorded > 30)
        let money = try #require(report.money.first)
        #expect(money.isZero)
        // Ten days of subscriptions (40,750,000 USDS in all, each day within the manager's capacity)
        // and one redemption of 500,000 shares at 1.00180143, paid by the manager.
        #expect(money.recorded.settlements == 11)
        #expect(money.recorded.toManager == (try Amount(parsing: "40750000")))
        #expect(money.recorded.fromManager == (try Amount(parsing: "500900.715")))
        #expect(money.recorded.sharesBurned == (try Amount(parsing: "500000")))
        #expect(money.recorded.finalRate == (try Rate(parsing: "1.00228238")))
        #expect(try history.stateDigests() == before)

        let mmf = try ReplayEngine.run(stateDirectory: history.state, options: ReplayOptions(policy: history.path("policies/mmf.lua")))
        #expect(mmf.unit == "mmf-a")
        #expect(mmf.exitCode == 0, "\(mmf.text())")
    }

    @Test func aCappedCandidateDiffersFromTheFirstCycleWithExactAmounts() throws {
        let history = try ReplayHistory()
        let before = try history.stateDigests()
        let candidate = try history.policy("tbill-capped.lua", ReplayHistory.cappedPolicy)
        let report = try ReplayEngine.run(stateDirectory: history.state, options: ReplayOptions(policy: candidate, unit: "tbill-a"))
        #expect(report.exitCode == 1, "\(report.text())")
        let first = try #require(report.differences.first)
        // Monday 2 March: 1,000,000 + 1,250,000 + 1,500,000 queued; the cap converts 3,000,000.
        #expect(first.time == time("2026-03-02T13:00:00Z"))
        #expect(first.hook == "settle")
        #expect(first.recorded?.result["subscribe"] == .string("3750000"))
        #expect(first.candidate?.result["subscribe"] == .string("3000000"))
        // Asked on the recorded ctx at that same moment it answers the same: the worlds were still one.
        #expect(first.sameContext?.result["subscribe"] == .string("3000000"))
        let money = try #require(report.money.first)
        // 3,000,000 a day for ten days leaves 10,750,000 queued on the 16th, converted by the 19th
        // (3 + 3 + 3 + 1.75 million): four more settlements. On the 16th the queued USDS now pays
        // the 500,000-share redemption (500,900.715 USDS) inside the Unit, so the manager receives
        // that much less and pays nothing out.
        #expect(money.candidate.settlements == 14)
        #expect(money.candidate.toManager == (try Amount(parsing: "40249099.285")))
        #expect(money.candidate.fromManager == Amount.zero)
        #expect(report.differences.count == 14)
        #expect(report.differences.last?.time == time("2026-03-19T13:00:00Z"))
        #expect(report.differences.last?.candidate?.result["subscribe"] == .string("1750000"))
        let json = report.json()
        #expect(json["status"] == .string("differs"))
        #expect(json["money"]?["tbill-a"]?["candidate"]?["to_manager"] == .string("40249099.285"))
        #expect(json["money"]?["tbill-a"]?["delta"]?["to_manager"] == .string("-500900.715"))
        #expect(json["money"]?["tbill-a"]?["delta"]?["from_manager"] == .string("-500900.715"))
        #expect(report.text().contains("2026-03-02T13:00:00Z  settle"))
        #expect(try history.stateDigests() == before)
    }

    @Test func aStricterToleranceHaltsSubscriptionsAndTheLaterEventsAreRefused() throws {
        let history = try ReplayHistory()
        let candidate = try history.policy("tbill-strict.lua", ReplayHistory.strictPolicy)
        let report = try ReplayEngine.run(stateDirectory: history.state, options: ReplayOptions(policy: candidate, unit: "tbill-a"))
        #expect(report.exitCode == 1, "\(report.text())")
        // Monday's 09:00 report: the candidate raises NAV_DEVIATION and halts subscriptions.
        let signals = try #require(report.differences.first)
        #expect(signals.time == time("2026-03-02T09:00:00Z"))
        #expect(signals.hook == "signals")
        #expect(signals.recorded?.signals == [])
        #expect(signals.candidate?.signals == ["NAV_DEVIATION"])
        let respond = try #require(report.differences.first { $0.hook == "respond" })
        #expect(respond.time == time("2026-03-02T09:00:00Z"))
        #expect(respond.recorded == nil)
        #expect(respond.candidate?.actions.first?.action == "halt_subscriptions")
        #expect(respond.candidate?.actions.first?.applied == true)
        // So the 10:00 subscriptions are refused in its world, and nothing ever converts.
        let refused = try #require(report.refusedEvents.first)
        #expect(refused.id == "subscribe-tbill-a-spark-0")
        #expect(refused.failure.code == "subscriptions-halted")
        #expect(report.refusedEvents.filter { $0.failure.code == "subscriptions-halted" }.count == 30)
        let money = try #require(report.money.first)
        #expect(money.candidate.toManager == Amount.zero)
        #expect(money.candidate.sharesMinted == Amount.zero)
        // Disputed NAVs are never marked up: the rate stays at 1 while the recorded one rose.
        #expect(money.candidate.finalRate == Rate.one)
        #expect(money.ratePath.contains { $0.time == time("2026-03-02T16:00:00Z") && $0.recorded == (try! Rate(parsing: "1.00012")) && $0.candidate == .one })
        #expect(report.text().contains("subscribe-tbill-a-spark-0: subscriptions-halted"))
    }

    @Test func aCandidateThatRaisesFailsWithExitThree() throws {
        let history = try ReplayHistory()
        let candidate = try history.policy("tbill-raising.lua", ReplayHistory.raisingPolicy)
        let report = try ReplayEngine.run(stateDirectory: history.state, options: ReplayOptions(policy: candidate, unit: "tbill-a"))
        #expect(report.exitCode == 3)
        let failure = try #require(report.failures.first)
        #expect(failure.time == time("2026-03-02T13:00:00Z"))
        #expect(failure.hook == "settle")
        #expect(failure.failure.code == "policy-error")
        #expect(failure.failure.message.contains("candidate bug"))
        // The runtime fell back: nothing converted while the candidate was failing.
        #expect(report.money.first?.candidate.toManager == Amount.zero)

        let broken = try history.policy("tbill-broken.lua", "local P = {\nfunction P.settle(ctx)\n")
        #expect(throws: ReplayError.self) { try ReplayEngine.run(stateDirectory: history.state, options: ReplayOptions(policy: broken, unit: "tbill-a")) }
        do { _ = try ReplayEngine.run(stateDirectory: history.state, options: ReplayOptions(policy: broken, unit: "tbill-a")) } catch {
            #expect(error.exitCode == 3)
        }
    }

    @Test func sinceAndUntilBoundTheWindowAndTheCandidateTakesOverAtSince() throws {
        let history = try ReplayHistory()
        let candidate = try history.policy("tbill-capped.lua", ReplayHistory.cappedPolicy)
        let options = ReplayOptions(policy: candidate, unit: "tbill-a", since: time("2026-03-09T00:00:00Z"), until: time("2026-03-13T23:59:59Z"))
        let report = try ReplayEngine.run(stateDirectory: history.state, options: options)
        #expect(report.exitCode == 1)
        #expect(!report.differences.isEmpty)
        #expect(report.differences.allSatisfy { $0.time >= time("2026-03-09T00:00:00Z") && $0.time <= time("2026-03-13T23:59:59Z") })
        // Until the 9th the candidate world followed the record: no backlog, so the first capped cycle is the 9th's.
        #expect(report.differences.first?.time == time("2026-03-09T13:00:00Z"))
        let money = try #require(report.money.first)
        #expect(money.recorded.settlements == 5)
        #expect(money.candidate.toManager == (try Amount(parsing: "15000000")))
        #expect(money.candidate.ratePath.first?.time == time("2026-03-09T00:00:00Z"))

        let quiet = ReplayOptions(policy: candidate, unit: "tbill-a", since: time("2026-03-21T00:00:00Z"))
        #expect(try ReplayEngine.run(stateDirectory: history.state, options: quiet).exitCode == 0)

        // One journal record (Monday 16th, 08:00) fires Friday's 13:00 and 16:00 cycles: the
        // candidate takes over at --since, between them and after them, not at the record.
        let afterFriday = ReplayOptions(policy: candidate, unit: "tbill-a", since: time("2026-03-13T18:00:00Z"))
        #expect(try ReplayEngine.run(stateDirectory: history.state, options: afterFriday).exitCode == 0)
        let atFridayLock = ReplayOptions(policy: candidate, unit: "tbill-a", since: time("2026-03-13T13:00:00Z"))
        let friday = try ReplayEngine.run(stateDirectory: history.state, options: atFridayLock)
        #expect(friday.differences.first?.time == time("2026-03-13T13:00:00Z"))
        #expect(friday.differences.first?.candidate?.result["subscribe"] == .string("3000000"))
        // The 1,000,000 left over converts on Monday, netted against the redemption.
        #expect(friday.differences.last?.time == time("2026-03-16T13:00:00Z"))
        #expect(friday.money.first?.candidate.toManager == (try Amount(parsing: "3499099.285")))
    }

    @Test func invalidRequestsAreExitTwo() throws {
        let history = try ReplayHistory()
        let candidate = try history.policy("tbill-capped.lua", ReplayHistory.cappedPolicy)
        func code(_ options: ReplayOptions, state: String? = nil) -> (String, Int32)? {
            do { _ = try ReplayEngine.run(stateDirectory: state ?? history.state, options: options); return nil }
            catch { return (error.code, error.exitCode) }
        }
        // Three Units, and the candidate is none of their files.
        #expect(code(ReplayOptions(policy: candidate))?.0 == "replay-invalid")
        #expect(code(ReplayOptions(policy: candidate))?.1 == 2)
        #expect(code(ReplayOptions(policy: candidate, unit: "nope"))?.0 == "replay-invalid")
        #expect(code(ReplayOptions(policy: history.path("policies/missing.lua"), unit: "tbill-a"))?.1 == 2)
        #expect(code(ReplayOptions(policy: candidate, unit: "tbill-a", since: time("2026-03-10T00:00:00Z"), until: time("2026-03-09T00:00:00Z")))?.1 == 2)
        #expect(code(ReplayOptions(policy: candidate, unit: "tbill-a"), state: history.path("no-state"))?.0 == "journal-missing")
    }
}
