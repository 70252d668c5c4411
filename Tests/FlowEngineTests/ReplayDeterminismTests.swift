import FlowEngine
import TestSupport
import Testing

/// Replay is a pure function of its input, and no input can push an output out of range.
struct ReplayDeterminismTests {
    /// Three users, five sessions, interleaved window by window.
    static func interleavedStream(seed: UInt64) -> [ReplayEngine.Input] {
        let plans: [(String?, String, [Phase])] = [
            (nil, "s-default", [Phase(activity: .steady(intervalMs: 200), minutes: 20),
                                Phase(activity: .idle(sendWindows: true), minutes: 3),
                                Phase(activity: .steady(intervalMs: 200), minutes: 20)]),
            ("ada", "s-ada-1", [Phase(activity: .steady(intervalMs: 90), minutes: 30),
                                Phase(activity: .switchStorm, minutes: 0),
                                Phase(activity: .steady(intervalMs: 90), minutes: 30)]),
            ("ada", "s-ada-2", [Phase(activity: .mixed, minutes: 40)]),
            ("bob", "s-bob", [Phase(activity: .steady(intervalMs: 380), minutes: 60),
                              Phase(activity: .bursty, minutes: 10)]),
            ("bob", "s-bob-2", [Phase(activity: .errorHeavy(intervalMs: 300), minutes: 15)]),
        ]
        var streams = plans.enumerated().map { index, plan in
            SyntheticSession.generate(plan.2, seed: seed &+ UInt64(index), startMs: 1_763_000_000_000 + Int64(index) * 7_000)
                .map { ReplayEngine.Input(user: plan.0, session: plan.1, window: $0.window, utcOffsetMs: 3_600_000) }
        }
        var merged: [ReplayEngine.Input] = []
        while streams.contains(where: { !$0.isEmpty }) {
            let next = streams.indices.filter { !streams[$0].isEmpty }
                .min { streams[$0][0].window.atMs < streams[$1][0].window.atMs } ?? 0
            merged.append(streams[next].removeFirst())
        }
        return merged
    }

    @Test("the same stream replays to identical outputs")
    func deterministic() {
        let stream = Self.interleavedStream(seed: 7)
        let first = ReplayEngine.run(stream)
        let second = ReplayEngine.run(stream)
        #expect(first == second)
        #expect(first.count > stream.count)
        let summaries = first.compactMap { output -> String? in
            if case .summary(_, let session, _) = output { return session }
            return nil
        }
        #expect(summaries == ["s-default", "s-ada-1", "s-ada-2", "s-bob", "s-bob-2"])
        let breaks = first.filter { if case .breakReminder = $0 { return true } else { return false } }
        #expect(!breaks.isEmpty)
    }

    @Test("sessions of one user share the baseline and the break scheduler; users are separate")
    func sharedUserState() {
        var engine = ReplayEngine()
        for input in Self.interleavedStream(seed: 8) { _ = engine.ingest(input) }
        #expect(engine.users.keys.sorted() == ["ada", "bob", "default"])
        let ada = engine.users["ada"]?.baseline.medianIntervalMs ?? 0
        let bob = engine.users["bob"]?.baseline.medianIntervalMs ?? 0
        #expect(ada < 120 && bob > 280, "ada \(ada) bob \(bob)")
        #expect(engine.users["ada"]?.days.today?.sessions == 2)
        let summary = engine.endSession("s-ada-1", atMs: 1_763_999_000_000)
        guard case .summary(let user, _, let values)? = summary else {
            Issue.record("no summary")
            return
        }
        #expect(user == "ada")
        #expect(values.interruptions == 1)
        #expect(values.flowPeriods == 2)
        #expect(values.languages["swift"] > 0)
        #expect(engine.endSession("s-ada-1", atMs: 0) == nil)
        #expect(engine.endSession("unknown", atMs: 0) == nil)
    }

    @Test("absurd inputs keep every output in range and never trap")
    func absurdInputs() {
        let extremes: [Int64] = [.min, -1_000_000, -1, 0, 1, 5, 999, 60_000, 1 << 40, .max]
        let intervalExtremes: [Int32] = [.min, -5, 0, 1, 15, 70, 400, 2_000, 2_001, 60_000, .max]
        var rng = SeededGenerator(seed: 123)
        var engine = ReplayEngine()
        var seed = SeedDetector()
        var at: Int64 = 1_763_000_000_000
        for index in 0..<3_000 {
            let count = [0, 1, 4, 5, 64, 512, 600][rng.int(0...6)]
            let intervals = (0..<count).map { _ in
                rng.chance(0.5) ? intervalExtremes[rng.int(0...10)] : Int32(rng.int(20...900))
            }
            at = rng.chance(0.1) ? extremes[rng.int(0...9)] : at &+ Int64(rng.int(-20_000...40_000))
            let window = ActivityWindow(
                seq: Int64(index), atMs: at, windowMs: extremes[rng.int(0...9)], keystrokes: extremes[rng.int(0...9)],
                keystrokeIntervals: intervals, contextSwitches: extremes[rng.int(0...9)],
                errorEvents: extremes[rng.int(0...9)], focusMs: extremes[rng.int(0...9)],
                filesModified: extremes[rng.int(0...9)], linesAdded: extremes[rng.int(0...9)],
                linesDeleted: extremes[rng.int(0...9)], language: rng.chance(0.5) ? "swift" : nil,
                fileSaved: rng.chance(0.2), commit: rng.chance(0.05))
            let session = "s\(rng.int(0...3))"
            for output in engine.ingest(ReplayEngine.Input(user: rng.chance(0.5) ? "u" : nil, session: session,
                                                           window: window, utcOffsetMs: extremes[rng.int(0...9)])) {
                if case .flow(_, _, let flow) = output { Self.checkRange(flow) }
                if case .breakReminder(_, _, let reminder) = output {
                    #expect(reminder.activeMs >= 0 && reminder.heldMs >= 0)
                }
            }
            Self.checkRange(seed.ingest(window), maximumRecommendations: 3)
            if rng.chance(0.01), let output = engine.endSession(session, atMs: extremes[rng.int(0...9)]),
               case .summary(_, _, let summary) = output {
                Self.checkRange(summary)
            }
        }
        for output in engine.finish() {
            if case .summary(_, _, let summary) = output { Self.checkRange(summary) }
        }
    }

    static func checkRange(_ flow: FlowAssessment, maximumRecommendations: Int = 2) {
        let units = [flow.intensity, flow.confidence, flow.components.rhythm, flow.components.focus,
                     flow.components.errors, flow.components.focusTime]
        #expect(units.allSatisfy { $0 >= 0 && $0 <= 1 && !$0.isNaN }, "\(flow)")
        #expect(flow.flowMs >= 0 && flow.sessionFlowMs >= flow.flowMs)
        #expect(flow.recommendations.count <= maximumRecommendations)
        if let period = flow.endedPeriod {
            #expect(period.durationMs >= 0)
            #expect(period.meanIntensity >= 0 && period.meanIntensity <= 1)
            #expect(period.peakIntensity >= period.meanIntensity - 1e-9 && period.peakIntensity <= 1)
        }
        if let recovery = flow.recoveryMs { #expect(recovery >= 0) }
    }

    static func checkRange(_ summary: SessionSummary) {
        #expect(summary.durationMs >= 0 && summary.activeMs >= 0 && summary.flowMs >= 0)
        #expect(summary.focusScore >= 0 && summary.focusScore <= 1 && !summary.focusScore.isNaN)
        #expect(summary.keystrokes >= 0 && summary.linesAdded >= 0 && summary.linesDeleted >= 0)
        #expect(summary.meanRecoveryMs >= 0 && summary.interruptions <= summary.flowPeriods)
        #expect(summary.languages.count <= 17)
    }
}
