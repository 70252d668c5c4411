/// The `session.summary` message of PROTOCOL.md as plain values (the server adds `session`).
public struct SessionSummary: Hashable, Sendable {
    /// Event time of the session's first window start (or `session.start`).
    public var startMs: Int64
    /// Event time of the session end.
    public var endMs: Int64
    /// `duration_ms`: end − start.
    public var durationMs: Int64 { Swift.max(0, endMs.saturatingSubtracted(startMs)) }
    /// `active_ms`: time in windows with typing or focus.
    public var activeMs: Int64
    /// `flow_ms`: total flow time.
    public var flowMs: Int64
    /// `flow_periods`.
    public var flowPeriods: Int
    /// `interruptions`.
    public var interruptions: Int
    /// `mean_recovery_ms` (0 when nothing recovered).
    public var meanRecoveryMs: Int64
    /// `keystrokes`.
    public var keystrokes: Int64
    /// `lines_added`.
    public var linesAdded: Int64
    /// `lines_deleted`.
    public var linesDeleted: Int64
    /// `focus_score` in [0, 1]: the active-time-weighted mean flow score.
    public var focusScore: Double
    /// `languages` {lang: ms}.
    public var languages: BoundedTally
}

/// Running totals of one session, turned into a ``SessionSummary`` at the end.
public struct SessionTotals: Hashable, Sendable {
    /// Start of the session (event time).
    public internal(set) var startMs: Int64
    /// Latest event time seen.
    public internal(set) var lastAtMs: Int64
    /// Active time.
    public internal(set) var activeMs: Int64 = 0
    /// Keystrokes (clamped per window).
    public internal(set) var keystrokes: Int64 = 0
    /// Lines added.
    public internal(set) var linesAdded: Int64 = 0
    /// Lines deleted.
    public internal(set) var linesDeleted: Int64 = 0
    /// Σ score × active window length.
    var focusScoreTime = 0.0
    /// Time per language.
    public internal(set) var languages: BoundedTally

    /// Totals of a session that started at `startMs`.
    public init(startMs: Int64, maximumLanguages: Int = 16) {
        self.startMs = startMs
        lastAtMs = startMs
        languages = BoundedTally(maximumKeys: maximumLanguages)
    }

    /// Adds one window and its assessment. `language` is the window's or the session's.
    public mutating func record(_ window: ActivityWindow, assessment: FlowAssessment,
                                language: String?) {
        let length = window.windowMs.clamped(to: 0...Milliseconds.minutes(10).value)
        lastAtMs = Swift.max(lastAtMs, assessment.atMs)
        keystrokes = keystrokes.saturatingAdded(window.keystrokes.clamped(to: 0...1_000_000))
        linesAdded = linesAdded.saturatingAdded(window.linesAdded.clamped(to: 0...1_000_000))
        linesDeleted = linesDeleted.saturatingAdded(window.linesDeleted.clamped(to: 0...1_000_000))
        guard window.isActive else { return }
        activeMs = activeMs.saturatingAdded(length)
        focusScoreTime += assessment.intensity * Double(length)
        if let language { languages.add(length, to: language) }
    }

    /// Mean flow score over active time.
    public var focusScore: Double {
        activeMs > 0 ? EventTimeMath.unit(focusScoreTime / Double(activeMs)) : 0
    }

    /// The summary, with the detector's flow counters.
    public func summary(endMs: Int64, detector: FlowDetector) -> SessionSummary {
        SessionSummary(
            startMs: startMs, endMs: Swift.max(endMs, startMs), activeMs: activeMs,
            flowMs: detector.sessionFlowMs, flowPeriods: detector.flowPeriods,
            interruptions: detector.interruptions, meanRecoveryMs: detector.meanRecoveryMs,
            keystrokes: keystrokes, linesAdded: linesAdded, linesDeleted: linesDeleted,
            focusScore: focusScore, languages: languages)
    }
}
