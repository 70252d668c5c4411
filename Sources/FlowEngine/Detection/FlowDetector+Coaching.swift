/// Confidence and recommendation candidates of ``FlowDetector``.
extension FlowDetector {
    /// How much evidence backs the state, in [0, 1]:
    /// `0.45 × session evidence + 0.25 × baseline maturity + 0.30 × margin`, where session
    /// evidence is typing time against `enterAfter`, baseline maturity is low until the
    /// personal baseline is ready, and margin is the score's distance from the threshold
    /// that matters in this state (exit threshold in flow, enter threshold otherwise) / 0.2.
    func confidence() -> Double {
        let enter = Double(Swift.max(settings.enterAfter.value, 1))
        let evidence = EventTimeMath.unit(Double(typingMs) / enter)
        let threshold = state == .flow ? settings.exitThreshold : settings.enterThreshold
        let distance = score - threshold
        let margin = EventTimeMath.unit((distance < 0 ? -distance : distance) / 0.2)
        return EventTimeMath.unit(0.45 * evidence + 0.25 * baselineMaturity + 0.30 * margin)
    }

    /// What would help now; the ``RecommendationLimiter`` picks at most one. Nothing but
    /// "protect it" is ever suggested in flow: the coaching must not interrupt it.
    func recommendationCandidates(previous: FlowState) -> RecommendationSet {
        var candidates: RecommendationSet = []
        switch state {
        case .flow:
            if previous != .flow { candidates.insert(.protectFlow) }
            return candidates
        case .recovering:
            candidates.insert(.easeBackIn)
        case .idle, .warmingUp, .interrupted:
            break
        }
        let switches = signals.switchesPerMinute
        if switches >= 6 {
            candidates.insert(.useFocusMode)
        } else if switches >= 3 {
            candidates.insert(.groupContextSwitches)
        }
        if components.errors < 0.5 { candidates.insert(.slowDownForAccuracy) }
        if lowScoreMs >= settings.lowScoreBreakAfter.value { candidates.insert(.resetWithShortBreak) }
        return candidates
    }
}
