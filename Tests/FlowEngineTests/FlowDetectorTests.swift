import FlowEngine
import Testing

/// Scenario tests on synthetic sessions.
struct FlowDetectorTests {
    @Test("steady focused typing enters flow within three minutes and stays there")
    func steadyTypingEntersFlowAndStays() {
        let windows = SyntheticSession.generate([Phase(activity: .steady(intervalMs: 200), minutes: 25)], seed: 1)
        var harness = Harness()
        harness.run(windows)
        let entry = harness.states.firstIndex(of: .flow)
        #expect(entry != nil)
        #expect((entry ?? .max) <= 18, "entered after \(entry ?? -1) windows")
        #expect(harness.states[(entry ?? 0)...].allSatisfy { $0 == .flow })
        #expect(harness.updates.last?.flow.flowMs ?? 0 >= 20 * 60_000)
        #expect(harness.updates.last?.flow.confidence ?? 0 > 0.8)
    }

    @Test("flow is not entered before the enter time has passed", arguments: [70.0, 200.0, 400.0])
    func noEarlyEntry(intervalMs: Double) {
        let windows = SyntheticSession.generate([Phase(activity: .steady(intervalMs: intervalMs), minutes: 5)], seed: 2)
        var harness = Harness(baseline: learnedBaseline(intervalMs: intervalMs))
        harness.run(windows)
        // 75 s of active time = 8 windows of 10 s.
        #expect(harness.states.prefix(7).allSatisfy { $0 != .flow })
    }

    @Test("fast (70 ms) and slow (400 ms) typists are both detected once the baseline learned them",
          arguments: [70.0, 400.0])
    func fastAndSlowTypists(intervalMs: Double) {
        let baseline = learnedBaseline(intervalMs: intervalMs)
        #expect(baseline.isReady(minimumIntervals: DetectorSettings().baselineMinimumIntervals))
        let median = baseline.medianIntervalMs
        #expect(median > intervalMs * 0.8 && median < intervalMs * 1.25, "median \(median)")
        let windows = SyntheticSession.generate([Phase(activity: .steady(intervalMs: intervalMs), minutes: 20)], seed: 3)
        var harness = Harness(baseline: baseline)
        harness.run(windows)
        let entry = harness.states.firstIndex(of: .flow) ?? .max
        #expect(entry <= 18)
        #expect(harness.states.suffix(from: Swift.min(entry, windows.count)).allSatisfy { $0 == .flow })
    }

    @Test("a fast typist on a fresh baseline reaches flow within the same session once learned")
    func fastTypistLearnsWithinSession() {
        let windows = SyntheticSession.generate([Phase(activity: .steady(intervalMs: 70), minutes: 15)], seed: 4)
        var harness = Harness()
        harness.run(windows)
        #expect(harness.states.last == .flow)
        // The seed's bands alone would never score 70 ms well.
        var seed = SeedDetector()
        let seedRhythm = windows.map { seed.ingest($0.window).components.rhythm }
        #expect(seedRhythm.allSatisfy { $0 <= 0.3 })
    }

    @Test("a storm of context switches ends flow as an interruption and recovery is measured")
    func switchStormInterrupts() {
        let windows = SyntheticSession.generate([
            Phase(activity: .steady(intervalMs: 180), minutes: 8),
            Phase(activity: .switchStorm, minutes: 0),
            Phase(activity: .steady(intervalMs: 180), minutes: 8),
        ], seed: 5)
        var harness = Harness()
        harness.run(windows)
        let stormIndex = windows.firstIndex { $0.phase == 1 } ?? 0
        let storm = harness.updates[stormIndex].flow
        #expect(storm.previousState == .flow)
        #expect(storm.state == .interrupted)
        #expect(storm.endedPeriod?.endReason == .contextSwitchBurst)
        #expect(harness.updates[stormIndex + 1].flow.state == .recovering)
        let recovery = harness.updates.compactMap(\.flow.recoveryMs).first
        #expect(recovery != nil)
        #expect((recovery ?? 0) >= 10_000 && (recovery ?? 0) <= 120_000, "recovery \(recovery ?? -1)")
        #expect(harness.states.last == .flow)
        let summary = harness.coach.endSession(&harness.session, atMs: windows.last?.window.atMs ?? 0)
        #expect(summary.interruptions == 1)
        #expect(summary.flowPeriods == 2)
        #expect(summary.meanRecoveryMs == recovery)
    }

    @Test("a 3-minute idle gap ends flow as an interruption, with or without empty windows",
          arguments: [true, false])
    func idleGapInterrupts(sendWindows: Bool) {
        let windows = SyntheticSession.generate([
            Phase(activity: .steady(intervalMs: 220), minutes: 8),
            Phase(activity: .idle(sendWindows: sendWindows), minutes: 3),
            Phase(activity: .steady(intervalMs: 220), minutes: 8),
        ], seed: 6)
        var harness = Harness()
        harness.run(windows)
        let interrupted = harness.updates.first { $0.flow.interrupted }?.flow
        #expect(interrupted?.endedPeriod?.endReason == .idleGap)
        if sendWindows { #expect(interrupted?.state == .interrupted) }
        let period = interrupted?.endedPeriod
        // The period ends at the last keystroke, not when the gap was noticed.
        let lastSteady = windows.last { $0.phase == 0 }?.window.atMs
        #expect(period?.endMs == lastSteady)
        let recovery = harness.updates.compactMap(\.flow.recoveryMs).first ?? 0
        #expect(recovery >= 180_000 && recovery <= 400_000, "recovery \(recovery)")
        #expect(harness.states.last == .flow)
    }

    @Test("bursty, switching, error-heavy and mixed work never reaches flow",
          arguments: [SyntheticActivity.bursty, .switching(intervalMs: 200), .errorHeavy(intervalMs: 200), .mixed])
    func unfocusedWorkNeverReachesFlow(activity: SyntheticActivity) {
        for seed: UInt64 in 10...13 {
            let windows = SyntheticSession.generate([Phase(activity: activity, minutes: 30)], seed: seed)
            for baseline in [UserBaseline(), learnedBaseline(intervalMs: 200)] {
                var harness = Harness(baseline: baseline)
                harness.run(windows)
                #expect(!harness.states.contains(.flow), "\(activity) seed \(seed)")
            }
        }
    }

    @Test("no flapping: at most one flow change per stable phase")
    func noFlapping() {
        let phases = [
            Phase(activity: .steady(intervalMs: 200), minutes: 10),
            Phase(activity: .bursty, minutes: 10),
            Phase(activity: .steady(intervalMs: 200, cov: 0.45), minutes: 10),
            Phase(activity: .switching(intervalMs: 200), minutes: 10),
            Phase(activity: .steady(intervalMs: 200), minutes: 10),
            Phase(activity: .errorHeavy(intervalMs: 200), minutes: 10),
        ]
        for seed: UInt64 in 20...25 {
            let windows = SyntheticSession.generate(phases, seed: seed)
            var harness = Harness()
            harness.run(windows)
            let changes = flowChangesPerPhase(windows, harness.updates)
            #expect(changes.values.allSatisfy { $0 <= 1 }, "seed \(seed): \(changes)")
            #expect(changes.values.reduce(0, +) == 6, "seed \(seed): \(changes)")
        }
    }

    @Test("recommendations are rate-limited: never more than one per update and never repeated within the cooldown")
    func recommendationsAreRateLimited() {
        let windows = SyntheticSession.generate([Phase(activity: .mixed, minutes: 30)], seed: 30)
        var harness = Harness()
        harness.run(windows)
        var last: [Recommendation: Int64] = [:]
        var total = 0
        for update in harness.updates {
            #expect(update.flow.recommendations.count <= 1)
            for recommendation in update.flow.recommendations {
                total += 1
                if let previous = last[recommendation] {
                    #expect(update.flow.atMs - previous >= 600_000)
                }
                last[recommendation] = update.flow.atMs
            }
        }
        #expect(total >= 2)
        #expect(total <= 12)
        #expect(last[.useFocusMode] != nil)
    }
}
