import FlowEngine
import FlowEvaluation
import TestSupport
import Testing

/// Prints the tables of docs/FLOW_ENGINE.md ("Evaluation"): tuning and held-out corpora,
/// the seed-004 detector beside ours, leave-one-person-out cross-validation.
/// Run with `swift test --filter EvaluationReportTests`.
struct EvaluationReportTests {
    static func corpus(_ seed: UInt64) -> LabelledCorpus {
        var rng = SeededGenerator(seed: seed)
        return CorpusGenerator.corpus(using: &rng)
    }

    static func pooled(_ seeds: [UInt64], _ run: (LabelledCorpus) -> [SessionCalls]) -> FlowEvaluation {
        FlowEvaluation(seeds.flatMap { run(corpus($0)) })
    }

    @Test("the evaluation report covers every phase kind on the held-out corpora")
    func report() {
        let heldOut = Self.pooled(CorpusGenerator.heldOutSeeds) { SessionCalls.replay($0) }
        let tuning = Self.pooled(CorpusGenerator.tuningSeeds) { SessionCalls.replay($0) }
        let seed = Self.pooled(CorpusGenerator.heldOutSeeds) { SessionCalls.seedDetector($0) }
        print(tuning.report(title: "FlowEngine, tuning seeds \(CorpusGenerator.tuningSeeds)"))
        print(heldOut.report(title: "FlowEngine, held-out seeds \(CorpusGenerator.heldOutSeeds)"))
        print(seed.report(title: "seed 004, held-out seeds \(CorpusGenerator.heldOutSeeds)"))
        for kind in PhaseKind.allCases { #expect((heldOut.allShares[kind]?.windows ?? 0) > 50) }
    }
}
