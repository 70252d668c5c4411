import FlowEngine
import Testing

/// The per-user coaching step the server and the replay both call.
struct UserCoachTests {
    @Test("confidence is low for a 'not flow' call while steady typing builds towards flow, high deep in flow")
    func confidenceReflectsEvidence() {
        let windows = SyntheticSession.generate([Phase(activity: .steady(intervalMs: 200), minutes: 6)], seed: 50)
        for baseline in [UserBaseline(), learnedBaseline(intervalMs: 200)] {
            var harness = Harness(baseline: baseline)
            harness.run(windows)
            #expect(harness.updates[2].flow.state == .warmingUp)
            #expect(harness.updates[2].flow.confidence < 0.5)
            #expect(harness.updates.last?.flow.inFlow == true)
            #expect(harness.updates.last?.flow.confidence ?? 0 > 0.95)
        }
    }

    @Test("the idle timer pushes the interruption and the day accounts flow time once")
    func idleTimerAndDayAccounting() {
        let windows = SyntheticSession.generate([Phase(activity: .steady(intervalMs: 200), minutes: 10)], seed: 51)
        var harness = Harness()
        harness.run(windows)
        let last = windows.last?.window.atMs ?? 0
        #expect(harness.coach.advance(session: &harness.session, toMs: last + 60_000) == nil)
        let pushed = harness.coach.advance(session: &harness.session, toMs: last + 90_000)
        #expect(pushed?.state == .interrupted)
        #expect(pushed?.seq == windows.last?.window.seq)
        let day = harness.coach.days.today
        #expect(day?.interruptions == 1)
        #expect(day?.flowPeriods == 1)
        #expect(day?.flowMs == pushed?.sessionFlowMs)
        let summary = harness.coach.endSession(&harness.session, atMs: last + 100_000)
        #expect(summary.flowMs == day?.flowMs)
        #expect(summary.durationMs == last + 100_000 - 1_763_000_000_000)
        #expect(summary.activeMs == 10 * 60_000)
        #expect(summary.keystrokes > 2_000)
        #expect(summary.languages["swift"] == 10 * Int64(60_000))
        #expect(summary.focusScore > 0.7 && summary.focusScore <= 1)
        // Ending twice gives the same summary and counts nothing twice.
        #expect(harness.coach.endSession(&harness.session, atMs: last + 100_000) == summary)
        #expect(harness.coach.days.today?.flowPeriods == 1)
    }

    @Test("a session ending in flow closes the period for the day without an interruption")
    func sessionEndInFlow() {
        let windows = SyntheticSession.generate([Phase(activity: .steady(intervalMs: 200), minutes: 5)], seed: 52)
        var harness = Harness()
        harness.run(windows)
        #expect(harness.session.detector.state == .flow)
        let summary = harness.coach.endSession(&harness.session, atMs: windows.last?.window.atMs ?? 0)
        #expect(summary.flowPeriods == 1)
        #expect(summary.interruptions == 0)
        #expect(harness.coach.days.today?.flowPeriods == 1)
        #expect(harness.coach.days.today?.interruptions == 0)
        // The closed period is kept for the server's final checkpoint.
        let closing = harness.session.closingPeriod
        #expect(closing?.endMs == windows.last?.window.atMs)
        #expect(closing?.endReason == .sessionEnded)
        #expect((closing?.durationMs ?? 0) > 60_000)
    }

    @Test("recovering after an interruption suggests easing back in, once")
    func easeBackIn() {
        let windows = SyntheticSession.generate([
            Phase(activity: .steady(intervalMs: 200), minutes: 6),
            Phase(activity: .idle(sendWindows: false), minutes: 3),
            Phase(activity: .steady(intervalMs: 200), minutes: 6),
        ], seed: 53)
        var harness = Harness()
        harness.run(windows)
        let hints = harness.updates.filter { $0.flow.recommendations.contains(.easeBackIn) }
        #expect(hints.count == 1)
        #expect(hints.first?.flow.state == .recovering)
        let protect = harness.updates.filter { $0.flow.recommendations.contains(.protectFlow) }
        #expect(protect.count == 1)
    }

    @Test("a persisted baseline restores the same coaching")
    func persistedBaseline() {
        let windows = SyntheticSession.generate([Phase(activity: .steady(intervalMs: 90), minutes: 8)], seed: 54)
        let learned = learnedBaseline(intervalMs: 90)
        let restored = UserBaseline(bytes: learned.encode()) ?? UserBaseline()
        var first = Harness(baseline: learned)
        var second = Harness(baseline: restored)
        #expect(first.run(windows) == second.run(windows))
    }
}
