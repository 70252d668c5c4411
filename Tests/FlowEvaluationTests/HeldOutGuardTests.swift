import FlowEngine
import FlowEvaluation
import TestSupport
import Testing

/// The regression guard: the default detector on a held-out corpus (a seed never used while
/// tuning) must meet the targets of docs/FLOW_ENGINE.md. Event time only, so the result does
/// not depend on the machine.
struct HeldOutGuardTests {
    static let evaluation = FlowEvaluation(
        SessionCalls.replay(EvaluationReportTests.corpus(CorpusGenerator.heldOutSeeds[0])))

    @Test("held-out balanced accuracy is at least 0.93 with at most 0.15 state changes per stable phase")
    func accuracyAndStability() {
        let evaluation = Self.evaluation
        #expect(evaluation.settled.balancedAccuracy >= 0.93)
        #expect(evaluation.changesPerStablePhase <= 0.15)
    }

    @Test("at most 3 % of ordinary-work, distracted, idle or away windows are called flow")
    func nonFlowShares() {
        for kind: PhaseKind in [.ordinaryWork, .distracted, .idle, .away] {
            let share = Self.evaluation.settledShares[kind] ?? FlowEvaluation.Share()
            #expect(share.windows > 0)
            #expect(share.fraction <= 0.03, "\(kind.labelName) windows called flow: \(share.calledFlow) of \(share.windows)")
        }
    }

    @Test("flow is entered within 150 s and left within 60 s (medians)")
    func latencies() {
        #expect(!Self.evaluation.entryLatenciesMs.isEmpty && !Self.evaluation.exitLatenciesMs.isEmpty)
        #expect(Self.evaluation.medianEntryLatencyMs <= 150_000)
        #expect(Self.evaluation.medianExitLatencyMs <= 60_000)
    }

    @Test("calls with confidence of at least 0.8 are right at least 95 % of the time")
    func calibration() {
        let high = Self.evaluation.reliability.accuracy(atOrAbove: 0.8)
        #expect(high.calls > 1_000)
        #expect(high.accuracy >= 0.95)
    }

    @Test("the guard fails a detector that is over-eager (seed 004's)")
    func guardCanFail() {
        let seed = FlowEvaluation(SessionCalls.seedDetector(EvaluationReportTests.corpus(CorpusGenerator.heldOutSeeds[0])))
        #expect(seed.settled.balancedAccuracy < 0.93)
        #expect((seed.settledShares[.ordinaryWork]?.fraction ?? 0) > 0.03)
    }
}
