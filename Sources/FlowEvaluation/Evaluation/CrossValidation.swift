public import FlowEngine

/// Leave-one-person-out cross-validation: for each person, the candidate configuration that
/// scores best on *everyone else* is chosen, then judged on that person alone. The pooled
/// figures of the left-out people are never fitted to those people.
public struct CrossValidation: Sendable {
    /// A named configuration to choose from.
    public struct Candidate: Sendable {
        /// Shown in reports.
        public var name: String
        /// The configuration.
        public var configuration: FlowEngineConfiguration

        /// Creates a candidate.
        public init(name: String, configuration: FlowEngineConfiguration) {
            self.name = name
            self.configuration = configuration
        }
    }

    /// Per fold: the person left out and the candidate chosen without them.
    public var choices: [(person: String, candidate: String)] = []
    /// The pooled evaluation of every left-out person under their fold's choice.
    public var pooled: FlowEvaluation

    /// The selection objective: settled balanced accuracy, less the instability, the worst
    /// non-flow share called flow, and 0.001 per second of median entry latency beyond 120 s
    /// (a margin under the 150-s target).
    public static func objective(_ evaluation: FlowEvaluation) -> Double {
        let lateSeconds = Double(Swift.max(0, evaluation.medianEntryLatencyMs - 120_000)) / 1000
        return evaluation.settled.balancedAccuracy - 0.5 * evaluation.changesPerStablePhase
            - 0.5 * evaluation.worstNonFlowShare - 0.001 * lateSeconds
    }

    /// Runs the folds over `corpus`.
    public init(corpus: LabelledCorpus, candidates: [Candidate]) {
        // People are independent (one coach each), so one replay per candidate serves every fold.
        let runs = candidates.map { SessionCalls.replay(corpus, configuration: $0.configuration) }
        var heldOut: [SessionCalls] = []
        for person in corpus.people.map(\.name) {
            var best = 0
            var bestScore = -Double.infinity
            for (index, run) in runs.enumerated() {
                let score = Self.objective(FlowEvaluation(run.filter { $0.person != person }))
                if score > bestScore {
                    bestScore = score
                    best = index
                }
            }
            choices.append((person, candidates.isEmpty ? "" : candidates[best].name))
            if runs.indices.contains(best) { heldOut += runs[best].filter { $0.person == person } }
        }
        pooled = FlowEvaluation(heldOut)
    }
}
