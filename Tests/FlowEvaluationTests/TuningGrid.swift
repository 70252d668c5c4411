import FlowEngine
import FlowEvaluation

/// The candidate settings searched on the tuning seeds (and chosen among per fold in the
/// leave-one-person-out cross-validation). The defaults are one of them.
enum TuningGrid {
    static var candidates: [CrossValidation.Candidate] {
        var result: [CrossValidation.Candidate] = []
        for enterAfter: Int64 in [60, 75, 90] {
            for enterThreshold in [0.65, 0.7] {
                for switchesZero in [2.0, 2.5, 3.0] {
                    for exitAfter: Int64 in [20, 30] {
                        var configuration = FlowEngineConfiguration()
                        configuration.detector.enterAfter = .seconds(enterAfter)
                        configuration.detector.enterThreshold = enterThreshold
                        configuration.detector.switchesZeroPerMinute = switchesZero
                        configuration.detector.exitAfter = .seconds(exitAfter)
                        result.append(CrossValidation.Candidate(
                            name: "enter \(enterAfter) s ≥ \(enterThreshold), switches 0 at \(switchesZero)/min, exit \(exitAfter) s",
                            configuration: configuration))
                    }
                }
            }
        }
        return result
    }
}
