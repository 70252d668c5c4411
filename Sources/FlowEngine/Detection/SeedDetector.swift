/// Seed 004's `FlowDetectionEngine`, implemented as written, as the baseline our detector is
/// compared against. Its flaws are kept on purpose:
///
/// - rhythm bands fixed at 100–300 / 100–500 ms (a 70 ms or a 600 ms typist never scores well);
/// - the error component is a *penalty added with a positive weight* (more errors → higher
///   score). The seed never defines `calculate_error_penalty`; we use `min(errors, 10) / 10`;
/// - the focus-time feature is raw seconds × 0.1, unbounded (only the final clamp to [0, 1]
///   holds it), so any window with ≥ 10 s of focus adds the full weight and more;
/// - no smoothing or hysteresis: one window decides;
/// - `calculate_confidence` is undefined in the seed; we use `|score − 0.5| × 2`.
///
/// It reads only the current window (its keystroke buffer of 100 is never used for
/// scoring), and measures flow duration from the first window that scored > 0.7.
public struct SeedDetector: Sendable {
    private var flowStartMs: Int64?

    /// A fresh detector.
    public init() {}

    /// The seed's `analyze_flow_state` for one window.
    public mutating func ingest(_ window: ActivityWindow) -> FlowAssessment {
        let rhythm = window.keystrokeIntervals.withUnsafeBufferPointer { Self.rhythm($0) }
        let focus = Self.focusScore(contextSwitches: window.contextSwitches)
        let penalty = Double(Swift.min(Swift.max(window.errorEvents, 0), 10)) / 10
        let focusSeconds = Double(window.focusMs) / 1000
        let weighted = rhythm * 0.4 + focus * 0.3 + penalty * 0.2 + focusSeconds * 0.1
        let combined = weighted.isNaN ? 0 : Swift.max(0, Swift.min(1, weighted))
        let inFlow = combined > 0.7
        var flowMs: Int64 = 0
        if inFlow {
            let start = flowStartMs ?? window.atMs
            flowStartMs = start
            flowMs = Swift.max(0, window.atMs.saturatingSubtracted(start))
        } else {
            flowStartMs = nil
        }
        var recommendations: RecommendationSet = []
        if combined < 0.4 { recommendations.insert(.resetWithShortBreak) }
        if window.contextSwitches > 5 { recommendations.insert(.useFocusMode) }
        if window.errorEvents > 3 { recommendations.insert(.slowDownForAccuracy) }
        let distance = combined - 0.5
        let state: FlowState = inFlow ? .flow : .warmingUp
        return FlowAssessment(
            seq: window.seq, atMs: window.atMs, state: state, previousState: state,
            intensity: combined, confidence: Swift.min(1, (distance < 0 ? -distance : distance) * 2),
            flowMs: flowMs, sessionFlowMs: flowMs, recommendations: recommendations,
            components: FlowComponents(rhythm: rhythm, focus: focus, errors: penalty,
                                       focusTime: Swift.min(1, Swift.max(0, focusSeconds))),
            endedPeriod: nil, recoveryMs: nil)
    }

    /// `analyze_keystroke_rhythm`: population mean and CoV over all intervals, seed bands.
    static func rhythm(_ intervals: UnsafeBufferPointer<Int32>) -> Double {
        let count = Swift.min(intervals.count, ActivityWindow.maximumIntervals)
        guard count >= 5 else { return 0 }
        var sum = 0.0
        for index in 0..<count { sum += Double(intervals[index]) }
        let mean = sum / Double(count)
        var squares = 0.0
        for index in 0..<count {
            let d = Double(intervals[index]) - mean
            squares += d * d
        }
        let cov = (squares / Double(count)).squareRoot() / mean
        guard cov.isFinite else { return 0.3 }
        return FlowScoring.seedBands(mean: mean, coefficientOfVariation: cov)
    }

    /// `calculate_focus_score`: 0–2 switches → 1.0, 3–5 → 0.8, 6–10 → 0.5, more → 0.2.
    static func focusScore(contextSwitches: Int64) -> Double {
        switch contextSwitches {
        case ...2: 1.0
        case 3...5: 0.8
        case 6...10: 0.5
        default: 0.2
        }
    }
}
