import FlowEvaluation
import Testing

/// The evaluator's arithmetic on hand-made calls.
struct FlowEvaluationTests {
    /// A 10-min flow phase then a 10-min ordinary phase, 10-s windows, called by `rule`.
    static func session(_ rule: (Int64, PhaseKind) -> Bool) -> SessionCalls {
        let phases = [LabelledPhase(kind: .deepFlow, startMs: 0, endMs: 600_000),
                      LabelledPhase(kind: .ordinaryWork, startMs: 600_000, endMs: 1_200_000)]
        var calls: [WindowCall] = []
        for index in 1...120 {
            let at = Int64(index) * 10_000
            let phase = at <= 600_000 ? 0 : 1
            let label: PhaseKind = phase == 0 ? .deepFlow : .ordinaryWork
            calls.append(WindowCall(label: label, phase: phase, atMs: at, inFlow: rule(at, label), confidence: 0.9))
        }
        return SessionCalls(person: "p1", phases: phases, calls: calls)
    }

    @Test("an oracle scores a balanced accuracy of 1 with no extra changes")
    func oracle() {
        let evaluation = FlowEvaluation([Self.session { _, label in label.isFlow }])
        #expect(evaluation.settled.balancedAccuracy == 1)
        #expect(evaluation.all.balancedAccuracy == 1)
        #expect(evaluation.changesPerStablePhase == 0)
        #expect(evaluation.medianEntryLatencyMs == 10_000)
        #expect(evaluation.medianExitLatencyMs == 10_000)
        #expect(evaluation.reliability.accuracy(atOrAbove: 0.8).accuracy == 1)
    }

    @Test("a detector that always says flow has no specificity and a balanced accuracy of 0.5")
    func alwaysFlow() {
        let evaluation = FlowEvaluation([Self.session { _, _ in true }])
        #expect(evaluation.settled.specificity == 0)
        #expect(evaluation.settled.balancedAccuracy == 0.5)
        #expect(evaluation.settledShares[.ordinaryWork]?.fraction == 1)
        #expect(evaluation.exitLatenciesMs == [600_000])
    }

    @Test("latency within the allowances counts in latency, not in settled accuracy")
    func allowances() {
        // Enters 2 min into flow, leaves 40 s after it ends.
        let evaluation = FlowEvaluation([Self.session { at, _ in at >= 120_000 && at < 640_000 }])
        #expect(evaluation.settled.balancedAccuracy == 1)
        #expect(evaluation.all.balancedAccuracy < 1)
        #expect(evaluation.medianEntryLatencyMs == 120_000)
        #expect(evaluation.medianExitLatencyMs == 40_000)
        #expect(evaluation.changesPerStablePhase == 0)
    }

    @Test("flicker inside a phase counts as extra state changes")
    func flicker() {
        let evaluation = FlowEvaluation([Self.session { at, label in label.isFlow || (at / 10_000) % 20 == 0 }])
        #expect(evaluation.changesPerStablePhase > 1)
    }
}
