/// Everything the engine keeps for one live editor session: its detector and running
/// totals. Owned by the connection's event loop; a few hundred bytes, no heap on the
/// per-update path (the language tally allocates once, when the first language appears).
public struct FlowSession: Sendable {
    /// The session's flow detector.
    public internal(set) var detector: FlowDetector
    /// Running totals for the summary.
    public internal(set) var totals: SessionTotals
    /// The project named in `session.start` (for per-project daily time).
    public var project: String?
    /// The language named in `session.start`; a window's own `language` wins.
    public var language: String?
    /// The last assessment (answer to a duplicate `seq`, or a status query).
    public internal(set) var lastAssessment: FlowAssessment
    /// `sessionFlowMs` already accounted to the daily ledger.
    var accountedFlowMs: Int64 = 0
    /// The flow period that `UserCoach.endSession` closed, if the session ended in flow
    /// (the server stores it with the final checkpoint). Boxed: it exists only once the
    /// session ended, and inline it would cost every live session 40 bytes.
    public internal(set) var closingPeriod: FlowPeriod? {
        get { closing?.period }
        set { closing = newValue.map(ClosingPeriod.init) }
    }
    private var closing: ClosingPeriod?
    /// Set once the session ended.
    public internal(set) var ended = false

    /// A session that started at `startMs` (event time).
    public init(startMs: Int64, project: String? = nil, language: String? = nil,
                configuration: FlowEngineConfiguration = .standard) {
        detector = FlowDetector(sharing: configuration.sharedDetector)
        totals = SessionTotals(startMs: startMs, maximumLanguages: configuration.daily.maximumTallyKeys)
        self.project = project
        self.language = language
        lastAssessment = .initial(atMs: startMs)
    }

    /// The flow time not yet given to the daily ledger; marks it given.
    mutating func takeFlowDelta(_ assessment: FlowAssessment) -> Int64 {
        let delta = assessment.sessionFlowMs.saturatingSubtracted(accountedFlowMs)
        accountedFlowMs = assessment.sessionFlowMs
        return delta
    }
}

/// A ``FlowSession``'s closing period, out of line.
private final class ClosingPeriod: Sendable {
    let period: FlowPeriod

    init(_ period: FlowPeriod) { self.period = period }
}

/// What one window produced for the client: the `flow` answer and maybe a `break`.
public struct CoachingUpdate: Hashable, Sendable {
    /// The `flow` message.
    public var flow: FlowAssessment
    /// A `break` message to push, if a due break met a good moment.
    public var breakReminder: BreakReminder?
}
