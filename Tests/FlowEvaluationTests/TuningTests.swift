import FlowEngine
import FlowEvaluation
import Foundation
import TestSupport
import Testing

/// The search that chose the detector's defaults: every grid candidate on the *tuning*
/// seeds only. Slow (minutes in a debug build), so it runs on request:
/// `FLOWCOACH_TUNE=1 swift test --filter TuningTests`.
struct TuningTests {
    @Test("grid search on the tuning seeds", .enabled(if: ProcessInfo.processInfo.environment["FLOWCOACH_TUNE"] != nil))
    func gridSearch() {
        let corpora = CorpusGenerator.tuningSeeds.map(EvaluationReportTests.corpus)
        var rows: [(Double, String)] = []
        for candidate in TuningGrid.candidates {
            let evaluation = FlowEvaluation(corpora.flatMap { SessionCalls.replay($0, configuration: candidate.configuration) })
            let objective = CrossValidation.objective(evaluation)
            rows.append((objective, "\(candidate.name): objective \(objective), BA \(evaluation.settled.balancedAccuracy), "
                + "changes \(evaluation.changesPerStablePhase), worst non-flow \(evaluation.worstNonFlowShare), "
                + "entry \(evaluation.medianEntryLatencyMs / 1000) s, exit \(evaluation.medianExitLatencyMs / 1000) s"))
        }
        for row in rows.sorted(by: { $0.0 > $1.0 }) { print(row.1) }
    }
}

/// Fits ``DetectorSettings/confidenceTable``: each cell's share of right calls on the
/// tuning seeds. Cells are told apart by giving each a distinct marker confidence.
struct CalibrationFitTests {
    @Test("confidence table fitted on the tuning seeds", .enabled(if: ProcessInfo.processInfo.environment["FLOWCOACH_TUNE"] != nil))
    func fit() {
        var configuration = FlowEngineConfiguration()
        configuration.detector.confidenceTable = (0..<12).map { Double($0) / 16 }
        var calls = [Int](repeating: 0, count: 12), right = [Int](repeating: 0, count: 12)
        for seed in CorpusGenerator.tuningSeeds {
            for session in SessionCalls.replay(EvaluationReportTests.corpus(seed), configuration: configuration) {
                for call in session.calls {
                    let cell = Int((call.confidence * 16).rounded())
                    calls[cell] += 1
                    if call.isRight { right[cell] += 1 }
                }
            }
        }
        for cell in 0..<12 {
            let share = calls[cell] > 0 ? Double(right[cell]) / Double(calls[cell]) : 0.5
            print("cell \(cell): \(calls[cell]) calls, \(right[cell]) right, share \(share)")
        }
    }
}

/// Leave-one-person-out cross-validation on the held-out seeds: each of the 24 people is
/// judged under the grid candidate that scored best on the other 23.
struct LeaveOnePersonOutTests {
    @Test("leave-one-person-out cross-validation over the grid", .enabled(if: ProcessInfo.processInfo.environment["FLOWCOACH_TUNE"] != nil))
    func crossValidate() {
        var people: [Person] = [], sessions: [LabelledSession] = []
        for seed in CorpusGenerator.heldOutSeeds {
            var rng = SeededGenerator(seed: seed)
            let corpus = CorpusGenerator.corpus(namePrefix: "s\(seed)-p", using: &rng)
            people += corpus.people
            sessions += corpus.sessions
        }
        let result = CrossValidation(corpus: LabelledCorpus(people: people, sessions: sessions),
                                     candidates: TuningGrid.candidates)
        for choice in result.choices { print("fold \(choice.person): \(choice.candidate)") }
        print(result.pooled.report(title: "Leave-one-person-out, held-out seeds \(CorpusGenerator.heldOutSeeds)"))
        #expect(result.pooled.settled.balancedAccuracy >= 0.93)
    }
}
