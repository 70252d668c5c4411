/// The per-session flow detector: a value-type state machine fed one ``ActivityWindow`` at a
/// time. Event time only (the window's `atMs`/`windowMs`), so a replay gives the same answer.
///
/// Each window is turned into four components in [0, 1] (``FlowComponents``), smoothed by an
/// EWMA over event time (half-life ``DetectorSettings/smoothingHalfLife``) and combined into
/// a score with the seed's weights (``FlowScoring/combine(_:settings:)``). Hysteresis turns
/// the score into a state:
///
/// | from | on | to |
/// |---|---|---|
/// | `idle` | a window with typing | `warming_up` |
/// | `warming_up` | score ≥ enter threshold for `enterAfter` of active time | `flow` |
/// | `warming_up` | no typing for `idleGap` | `idle` |
/// | `flow` | score < exit threshold for `exitAfter` of active time | `warming_up` (period ends, *faded*) |
/// | `flow` | no typing for `idleGap` | `interrupted` (period ends at the last keystroke) |
/// | `flow` | a context-switch burst in one window | `interrupted` (period ends at the window start) |
/// | `interrupted` | a window with typing | `recovering` |
/// | `interrupted` | still idle `recoveryAbandonAfter` after the interruption | `idle` |
/// | `recovering` | score ≥ enter threshold for `enterAfter` of active time | `flow` (recovery measured) |
/// | `recovering` | no typing for `idleGap` | `interrupted` (same interruption) |
///
/// Active time is the length of windows with typing; windows without typing neither build
/// nor drain the hysteresis timers (only the idle rule sees them). A flow period starts
/// where its qualifying stretch began (`enterAfter` before entry), so `flow_ms` includes it.
///
/// `ingest` allocates nothing: the intervals are read through a borrowed buffer and the
/// result is a plain value.
public struct FlowDetector: Sendable {
    /// The settings this detector runs with (borrowed from the shared copy, not copied).
    public var settings: DetectorSettings {
        _read { yield sharedSettings.value }
    }
    let sharedSettings: SharedDetectorSettings
    /// The current state.
    public internal(set) var state: FlowState = .idle
    /// Why the state last changed (beside ``state``: the one-byte fields share a word).
    public internal(set) var reason: FlowReason = .none

    var started = false
    var lastAtMs: Int64 = 0
    var lastTypingAtMs: Int64 = 0
    var signals = SmoothedSignals()
    var score = 0.0
    var components = FlowComponents()
    var aboveMs: Int64 = 0
    var belowMs: Int64 = 0
    var lowScoreMs: Int64 = 0
    /// Typing time seen by this session (evidence for confidence).
    public internal(set) var typingMs: Int64 = 0
    var baselineMaturity = 0.0

    var periodStartMs: Int64 = 0
    var periodIntensityTime = 0.0
    var periodTimeMs = 0.0
    var periodPeak = 0.0

    /// Flow time of closed periods.
    public internal(set) var closedFlowMs: Int64 = 0
    /// Closed flow periods.
    public internal(set) var flowPeriods = 0
    /// Flow periods ended by an interruption.
    public internal(set) var interruptions = 0
    /// Sum of measured recovery times.
    public internal(set) var recoveryTotalMs: Int64 = 0
    /// Number of measured recoveries.
    public internal(set) var recoveries = 0
    var interruptedAtMs: Int64 = 0
    var limiter = RecommendationLimiter()
    /// Time of windows with neither typing nor editor focus since the last keystroke.
    var unfocusedMs: Int64 = 0
    /// Event time of the last state change.
    var changedAtMs: Int64 = 0

    /// A detector in `idle` that has seen nothing.
    public init(settings: DetectorSettings = DetectorSettings()) {
        sharedSettings = SharedDetectorSettings(settings)
    }

    /// A detector in `idle` that runs with `settings`, shared with the other detectors of
    /// the same configuration.
    public init(sharing settings: SharedDetectorSettings) {
        sharedSettings = settings
    }

    /// Mean recovery time, or 0 when nothing recovered yet.
    public var meanRecoveryMs: Int64 {
        recoveries > 0 ? recoveryTotalMs / Int64(recoveries) : 0
    }

    /// The current flow period's length (0 outside flow).
    public var currentFlowMs: Int64 {
        state == .flow ? Swift.max(0, lastAtMs.saturatingSubtracted(periodStartMs)) : 0
    }

    /// Session flow time: closed periods plus the current one.
    public var sessionFlowMs: Int64 { closedFlowMs.saturatingAdded(currentFlowMs) }

    /// The smoothed score of the last window.
    public var intensity: Double { score }

    /// Processes one window. `baseline` is the user's shared rhythm baseline: rhythm is
    /// scored against it once it holds enough evidence, then it learns from this window.
    ///
    /// `extraCandidates` are recommendations the caller would like to make (the break
    /// scheduler's "held for flow"); they go through the same rate limiter.
    public mutating func ingest(_ window: ActivityWindow, baseline: inout UserBaseline,
                                extraCandidates: RecommendationSet = []) -> FlowAssessment {
        let previous = state
        let span = sanitisedSpan(window)
        var ended: FlowPeriod?
        var recovery: Int64?

        // Time passed before the window began: the idle rule sees the gap first.
        if let period = applyIdleRules(nowMs: span.startMs) { ended = period }

        let analysis = window.keystrokeIntervals.withUnsafeBufferPointer { intervals in
            analyse(window, intervals: intervals, span: span, baseline: &baseline)
        }
        let typing = analysis.typing
        baselineMaturity = analysis.baselineMaturity
        let elapsed = span.atMs.saturatingSubtracted(lastAtMs)
        signals.decay(by: started
            ? EventTimeMath.decay(elapsedMs: elapsed, halfLifeMs: settings.smoothingHalfLife.value)
            : 1)
        signals.timeMs += Double(span.lengthMs)
        signals.switches += Double(analysis.switches)
        signals.errors += Double(analysis.errors)
        signals.focusMs += Double(analysis.focusMs)
        if typing {
            signals.typingTimeMs += Double(span.lengthMs)
            signals.rhythmTime += analysis.rhythm * Double(span.lengthMs)
            lastTypingAtMs = span.atMs
            typingMs = typingMs.saturatingAdded(span.lengthMs)
        }
        started = true
        lastAtMs = span.atMs
        components = signals.components(settings: sharedSettings)
        score = FlowScoring.combine(components, settings: sharedSettings)
        let focusedShare = span.lengthMs > 0 ? Double(window.focusMs) / Double(span.lengthMs) : 1
        unfocusedMs = typing ? 0 : (focusedShare < 0.2 ? unfocusedMs.saturatingAdded(span.lengthMs) : unfocusedMs)

        let burst = analysis.switches >= Swift.max(1, settings.switchBurstMinimum)
            && Double(analysis.switches) * 60_000 >= settings.switchBurstPerMinute
                * Double(Swift.max(span.lengthMs, 1))
        // A pause with the editor in focus (reading, thinking) neither builds nor drains the
        // hysteresis; a window spent elsewhere drains it like typing would.
        let engaged = typing || focusedShare < 0.9
        let step = advanceState(typing: typing, engaged: engaged, burst: burst, span: span)
        if let period = step.ended { ended = period }
        recovery = step.recovery
        if !typing, let period = applyIdleRules(nowMs: span.atMs) { ended = period }
        if state != previous { changedAtMs = span.atMs }
        if state == .flow { recordIntensity(lengthMs: span.lengthMs) }
        lowScoreMs = typing && score < 0.4 ? lowScoreMs.saturatingAdded(span.lengthMs)
            : (score >= 0.4 ? 0 : lowScoreMs)

        var candidates = recommendationCandidates(previous: previous)
        candidates.formUnion(extraCandidates)
        let recommendations = limiter.select(
            from: candidates, atMs: span.atMs, cooldown: settings.recommendationCooldown)
        return FlowAssessment(
            seq: window.seq, atMs: span.atMs, state: state, previousState: previous,
            intensity: score, confidence: confidence(nowMs: span.atMs), flowMs: currentFlowMs,
            sessionFlowMs: sessionFlowMs, recommendations: recommendations,
            components: components, endedPeriod: ended, recoveryMs: recovery, reason: reason)
    }

    /// Applies the idle rules at event time `nowMs` without new data (the server calls this
    /// from its idle timer with its estimate of the client's clock). Returns an assessment
    /// only when the state changed.
    public mutating func advance(toMs nowMs: Int64) -> FlowAssessment? {
        guard started, nowMs > lastAtMs else { return nil }
        let previous = state
        let ended = applyIdleRules(nowMs: nowMs)
        guard state != previous else { return nil }
        changedAtMs = nowMs
        return FlowAssessment(
            seq: 0, atMs: nowMs, state: state, previousState: previous, intensity: score,
            confidence: confidence(nowMs: nowMs), flowMs: currentFlowMs, sessionFlowMs: sessionFlowMs,
            recommendations: [], components: components, endedPeriod: ended, recoveryMs: nil,
            reason: reason)
    }

    /// Ends the session: closes an open flow period (not an interruption) and returns it.
    public mutating func endSession(atMs: Int64) -> FlowPeriod? {
        guard state == .flow else { return nil }
        let period = closePeriod(endMs: lastAtMs, reason: .sessionEnded)
        state = .idle
        reason = .sessionEnded
        return period
    }
}

// MARK: - Confidence and recommendation candidates

extension FlowDetector {
    /// The probability that the current call (flow or not) is right, in [0, 1]: the
    /// calibration table's entry for the evidence cell at `nowMs`
    /// (``DetectorSettings/confidenceTable``, fitted on the tuning corpora).
    func confidence(nowMs: Int64) -> Double {
        let cell = confidenceCell(nowMs: nowMs)
        let table = settings.confidenceTable
        guard table.indices.contains(cell) else { return 0.5 }
        return EventTimeMath.unit(table[cell])
    }

    /// The evidence cell, 0..<12: `(in flow ? 6 : 0) + (under pressure ? 3 : 0) + dwell`.
    /// Dwell is the time since the last state change (< 60 s, < 180 s, longer): calls are
    /// least reliable right after a change. Under pressure means the call may be about to
    /// flip: in flow, the score is near or below the exit threshold, the exit timer runs or
    /// typing stopped 20 s ago; outside flow, the person types and the score is near or above
    /// the enter threshold.
    func confidenceCell(nowMs: Int64) -> Int {
        let dwell = nowMs.saturatingSubtracted(changedAtMs)
        let dwellBin = dwell < 60_000 ? 0 : (dwell < 180_000 ? 1 : 2)
        let quietMs = nowMs.saturatingSubtracted(lastTypingAtMs)
        let pressure: Bool
        if state == .flow {
            pressure = belowMs > 0 || score < settings.exitThreshold + 0.1 || quietMs >= 20_000
                || unfocusedMs > 0
        } else {
            pressure = quietMs < settings.idleGap.value
                && (aboveMs > 0 || score >= settings.enterThreshold - 0.1)
        }
        return (state == .flow ? 6 : 0) + (pressure ? 3 : 0) + dwellBin
    }

    /// What would help now; the ``RecommendationLimiter`` picks at most one. Nothing but
    /// "protect it" is ever suggested in flow: the coaching must not interrupt it.
    @inline(__always)  // no copy of the detector per call (see `sanitisedSpan`)
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
