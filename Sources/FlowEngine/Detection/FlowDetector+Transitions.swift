/// The window analysis and the transition table of ``FlowDetector``.
extension FlowDetector {
    /// A window's time span after sanitising the client's values.
    struct Span {
        /// End of the window, never earlier than the previous window's end.
        var atMs: Int64
        /// Length used for rates, 0…`maximumWindow`.
        var lengthMs: Int64
        /// `atMs - lengthMs`.
        var startMs: Int64 { atMs.saturatingSubtracted(lengthMs) }
    }

    /// What one window contributes.
    struct WindowAnalysis {
        var typing: Bool
        var rhythm: Double
        var switches: Int64
        var errors: Int64
        var focusMs: Int64
        var baselineMaturity: Double
    }

    /// Clamps time: `at_ms` going backwards counts as no time passing; a missing or
    /// non-positive `window_ms` falls back to the time since the previous window.
    /// Inlined into ``ingest(_:baseline:extraCandidates:)``, as are ``analyse`` and
    /// ``recommendationCandidates(previous:)``: a call of a non-mutating method from the
    /// mutating `ingest` copied the whole detector (296 bytes) onto the stack each time.
    @inline(__always)
    func sanitisedSpan(_ window: ActivityWindow) -> Span {
        let atMs = started ? Swift.max(window.atMs, lastAtMs) : window.atMs
        let maximum = Swift.max(settings.maximumWindow.value, 0)
        var length = window.windowMs.clamped(to: 0...maximum)
        if window.windowMs <= 0, started {
            length = atMs.saturatingSubtracted(lastAtMs).clamped(to: 0...maximum)
        }
        return Span(atMs: atMs, lengthMs: length)
    }

    /// Scores the window's rhythm (personal baseline when ready, seed bands before) while
    /// the baseline learns from it in the same pass; the score uses the baseline as it was
    /// before this window.
    @inline(__always)
    func analyse(_ window: ActivityWindow, intervals: UnsafeBufferPointer<Int32>, span: Span,
                 baseline: inout UserBaseline) -> WindowAnalysis {
        let ready = baseline.isReady(minimumIntervals: settings.baselineMinimumIntervals)
        let rhythm = baseline.learn(intervals: intervals, pauseCutoffMs: settings.pauseCutoff.value)
        let keystrokes = window.keystrokes.clamped(to: 0...1_000_000)
        var score = 0.0
        var typedMs: Int64 = 0
        if rhythm.count >= Swift.max(1, settings.minimumIntervals) {
            if ready {
                score = FlowScoring.personalRhythm(
                    rhythm, medianLogIndex: baseline.medianLogIndex,
                    typicalDeviation: Double(baseline.typicalDeviationOctaves))
            } else {
                score = FlowScoring.seedBands(
                    mean: rhythm.mean, coefficientOfVariation: rhythm.coefficientOfVariation)
            }
            typedMs = Int64(Double(Swift.max(keystrokes, Int64(rhythm.count))) * rhythm.mean)
            if span.lengthMs > 0 {
                // Typing must fill a fair share of the window: full credit from 50 %,
                // none below 15 % (a few fast bursts in a quiet window are not rhythm).
                let coverage = Double(typedMs) / Double(span.lengthMs)
                score *= EventTimeMath.unit((coverage - 0.15) / 0.35)
            }
        }
        baseline.finishLearning(rhythm)
        let focus = Swift.max(window.focusMs, typedMs).clamped(to: 0...span.lengthMs)
        let minimum = Double(Swift.max(settings.baselineMinimumIntervals, 1))
        let learned = Double(baseline.intervalsLearned)
        let maturity = baseline.isReady(minimumIntervals: settings.baselineMinimumIntervals)
            ? 0.5 + 0.5 * EventTimeMath.unit(learned / (4 * minimum))
            : 0.5 * EventTimeMath.unit(learned / minimum)
        return WindowAnalysis(
            typing: keystrokes > 0 || rhythm.count > 0 || rhythm.pauses > 0,
            rhythm: score,
            switches: window.contextSwitches.clamped(to: 0...100_000),
            errors: window.errorEvents.clamped(to: 0...100_000),
            focusMs: focus,
            baselineMaturity: maturity)
    }

    /// The hysteresis part of the transition table for a window with data. `engaged`: the
    /// window had typing or the editor was not in focus (not a pause to think).
    mutating func advanceState(typing: Bool, engaged: Bool, burst: Bool,
                               span: Span) -> (ended: FlowPeriod?, recovery: Int64?) {
        switch state {
        case .idle, .interrupted:
            guard typing else { return (nil, nil) }
            state = state == .idle ? .warmingUp : .recovering
            reason = .typingResumed
            aboveMs = 0
            return buildTowardsFlow(typing: typing, burst: burst, span: span)
        case .warmingUp, .recovering:
            return buildTowardsFlow(typing: typing, burst: burst, span: span)
        case .flow:
            if burst {
                let period = closePeriod(endMs: span.startMs, reason: .contextSwitchBurst)
                state = .interrupted
                reason = .contextSwitches
                return (period, nil)
            }
            guard engaged else { return (nil, nil) }
            belowMs = score < settings.exitThreshold ? belowMs.saturatingAdded(span.lengthMs) : 0
            guard belowMs >= settings.exitAfter.value else { return (nil, nil) }
            let period = closePeriod(endMs: span.atMs.saturatingSubtracted(belowMs), reason: .faded)
            state = .warmingUp
            reason = FlowReason.weakest(of: components)
            return (period, nil)
        }
    }

    /// `warming_up`/`recovering`: accumulate active time above the threshold; enter flow.
    private mutating func buildTowardsFlow(typing: Bool, burst: Bool,
                                           span: Span) -> (ended: FlowPeriod?, recovery: Int64?) {
        if burst {
            aboveMs = 0
            return (nil, nil)
        }
        guard typing else { return (nil, nil) }
        aboveMs = score >= settings.enterThreshold ? aboveMs.saturatingAdded(span.lengthMs) : 0
        guard aboveMs >= settings.enterAfter.value, aboveMs > 0 else { return (nil, nil) }
        let recovering = state == .recovering
        state = .flow
        reason = .steadyRhythm
        belowMs = 0
        periodStartMs = span.atMs.saturatingSubtracted(aboveMs)
        periodIntensityTime = 0
        periodTimeMs = 0
        periodPeak = 0
        aboveMs = 0
        guard recovering else { return (nil, nil) }
        let recovery = Swift.max(0, periodStartMs.saturatingSubtracted(interruptedAtMs))
        recoveryTotalMs = recoveryTotalMs.saturatingAdded(recovery)
        recoveries += 1
        return (nil, recovery)
    }

    /// The earliest event time at which ``advance(toMs:)`` can change the state without new
    /// data (`Int64.max`: never). Earlier calls return nil and change nothing, so a timer
    /// may sleep until then; it must be read again after every `ingest` or state change.
    /// Derived from the rules of ``applyIdleRules(nowMs:)`` below: keep the two together.
    public var nextIdleTransitionMs: Int64 {
        guard started else { return .max }
        let quietEnough = lastTypingAtMs.saturatingAdded(settings.idleGap.value)
        let due: Int64
        switch state {
        case .idle:
            return .max
        case .warmingUp, .recovering:
            due = quietEnough
        case .interrupted:
            due = Swift.max(interruptedAtMs.saturatingAdded(settings.recoveryAbandonAfter.value), quietEnough)
        case .flow:
            due = unfocusedMs >= settings.unfocusedGap.value ? .min : quietEnough
        }
        // `advance` ignores times at or before the last window.
        return Swift.max(due, lastAtMs.saturatingAdded(1))
    }

    /// The idle rules at event time `nowMs` (see the table): returns a period that ended.
    mutating func applyIdleRules(nowMs: Int64) -> FlowPeriod? {
        guard started else { return nil }
        let idleFor = nowMs.saturatingSubtracted(lastTypingAtMs)
        switch state {
        case .idle:
            return nil
        case .warmingUp:
            if idleFor >= settings.idleGap.value { state = .idle; aboveMs = 0; reason = .idleGap }
            return nil
        case .recovering:
            if idleFor >= settings.idleGap.value { state = .interrupted; aboveMs = 0; reason = .idleGap }
            return nil
        case .interrupted:
            if nowMs.saturatingSubtracted(interruptedAtMs) >= settings.recoveryAbandonAfter.value,
               idleFor >= settings.idleGap.value {
                state = .idle
                reason = .idleGap
            }
            return nil
        case .flow:
            let elsewhere = unfocusedMs >= settings.unfocusedGap.value
            guard idleFor >= settings.idleGap.value || elsewhere else { return nil }
            let period = closePeriod(endMs: lastTypingAtMs, reason: .idleGap)
            state = .interrupted
            reason = elsewhere && idleFor < settings.idleGap.value ? .editorUnfocused : .idleGap
            return period
        }
    }

    /// Closes the open flow period, updating the session counters.
    mutating func closePeriod(endMs: Int64, reason: FlowEndReason) -> FlowPeriod {
        let end = Swift.max(endMs, periodStartMs)
        let mean = periodTimeMs > 0 ? periodIntensityTime / periodTimeMs : score
        let period = FlowPeriod(
            startMs: periodStartMs, endMs: end, meanIntensity: EventTimeMath.unit(mean),
            peakIntensity: EventTimeMath.unit(Swift.max(periodPeak, mean)), endReason: reason)
        closedFlowMs = closedFlowMs.saturatingAdded(period.durationMs)
        flowPeriods += 1
        belowMs = 0
        aboveMs = 0
        if reason.isInterruption {
            interruptions += 1
            interruptedAtMs = end
        }
        return period
    }

    /// Adds the current score to the open period's mean and peak.
    mutating func recordIntensity(lengthMs: Int64) {
        let weight = Double(Swift.max(lengthMs, 1))
        periodIntensityTime += score * weight
        periodTimeMs += weight
        periodPeak = Swift.max(periodPeak, score)
    }
}
