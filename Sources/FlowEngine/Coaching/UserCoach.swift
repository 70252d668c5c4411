/// Everything the engine keeps per user, shared by all of the user's sessions: the rhythm
/// baseline (persist it with ``UserBaseline/encode()``), the break scheduler and the daily
/// ledger. The server holds one per user on the loop that owns the user's sessions (or
/// routes updates to one owner); the replay engine holds one per `user`.
///
/// Every call takes event time from the client's messages; `utcOffsetMs` is the user's
/// UTC offset at that instant, resolved by the server from the user's time zone.
public struct UserCoach: Sendable {
    /// The configuration in force (break durations may be per user).
    public var configuration: FlowEngineConfiguration
    /// The personal rhythm baseline.
    public var baseline: UserBaseline
    /// Break coaching.
    public internal(set) var breaks: BreakScheduler
    /// Daily aggregates, streak and wellbeing.
    public internal(set) var days: DailyLedger

    /// A user with a (possibly restored) baseline. `firstReminderID` lets the server keep
    /// reminder ids unique across restarts if it wants to.
    public init(configuration: FlowEngineConfiguration = .standard,
                baseline: UserBaseline = UserBaseline(), firstReminderID: UInt64 = 1) {
        self.configuration = configuration
        self.baseline = baseline
        breaks = BreakScheduler(settings: configuration.breaks, firstReminderID: firstReminderID)
        days = DailyLedger(settings: configuration.daily)
    }

    /// `session.start` (or a session's first window): a new session state to keep.
    public mutating func startSession(atMs: Int64, project: String? = nil, language: String? = nil,
                                      utcOffsetMs: Int64 = 0) -> FlowSession {
        days.recordSessionStart(atMs: atMs, utcOffsetMs: utcOffsetMs)
        return FlowSession(startMs: atMs, project: project, language: language,
                           configuration: configuration)
    }

    /// One `activity` window of `session`: detector, break scheduler, totals and the day.
    public mutating func ingest(_ window: ActivityWindow, session: inout FlowSession,
                                utcOffsetMs: Int64 = 0) -> CoachingUpdate {
        let extra: RecommendationSet = breaks.isHoldingForFlow ? [.breakAfterFlow] : []
        var flow = session.detector.ingest(window, baseline: &baseline, extraCandidates: extra)
        let reminder = breaks.record(
            BreakActivity(window: window, assessment: flow, utcOffsetMs: utcOffsetMs))
        if let reminder, reminder.breakpoint == .hardCap, flow.inFlow {
            flow.recommendations.insert(.pauseAfterLongStretch)
        }
        let language = window.language ?? session.language
        session.totals.record(window, assessment: flow, language: language)
        days.record(window, assessment: flow, flowDeltaMs: session.takeFlowDelta(flow),
                    project: session.project, language: language, utcOffsetMs: utcOffsetMs)
        session.lastAssessment = flow
        return CoachingUpdate(flow: flow, breakReminder: reminder)
    }

    /// The server's idle timer for `session` at (estimated client) time `nowMs`: a `flow`
    /// message to push when the state changed by itself (e.g. idle gap → `interrupted`).
    public mutating func advance(session: inout FlowSession, toMs nowMs: Int64,
                                 utcOffsetMs: Int64 = 0) -> FlowAssessment? {
        guard !session.ended, var flow = session.detector.advance(toMs: nowMs) else { return nil }
        flow.seq = session.lastAssessment.seq
        days.recordFlow(deltaMs: session.takeFlowDelta(flow), endedPeriod: flow.endedPeriod,
                        recoveryMs: nil, atMs: nowMs, utcOffsetMs: utcOffsetMs)
        session.lastAssessment = flow
        return flow
    }

    /// `session.end`: closes the session and returns its summary. Ending twice returns the
    /// same summary.
    public mutating func endSession(_ session: inout FlowSession, atMs: Int64,
                                    utcOffsetMs: Int64 = 0) -> SessionSummary {
        let end = Swift.max(atMs, session.totals.lastAtMs)
        if !session.ended {
            session.ended = true
            if let period = session.detector.endSession(atMs: end) {
                session.closingPeriod = period
                let delta = session.detector.sessionFlowMs.saturatingSubtracted(session.accountedFlowMs)
                session.accountedFlowMs = session.detector.sessionFlowMs
                days.recordFlow(deltaMs: delta, endedPeriod: period, recoveryMs: nil,
                                atMs: end, utcOffsetMs: utcOffsetMs)
            }
        }
        return session.totals.summary(endMs: end, detector: session.detector)
    }

    /// Continues the break coaching from ``BreakScheduler/encode()``'s output (saved by the
    /// node or process that coached the user before), with this coach's break settings.
    /// Returns `false` and keeps the current scheduler for bytes that do not decode.
    @discardableResult
    public mutating func restoreBreaks(from bytes: some Collection<UInt8>) -> Bool {
        guard let restored = BreakScheduler(settings: configuration.breaks, bytes: bytes) else { return false }
        breaks = restored
        return true
    }

    /// `break.ack`: `false` when `reminder` is not the outstanding reminder.
    @discardableResult
    public mutating func receivedBreakAck(reminder: UInt64, action: BreakAction, atMs: Int64) -> Bool {
        breaks.receivedAck(reminder: reminder, action: action, atMs: atMs)
    }
}
