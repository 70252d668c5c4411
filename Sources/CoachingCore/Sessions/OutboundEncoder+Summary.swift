import FlowEngine

extension OutboundEncoder {
    /// `session.summary` from a session's cumulative checkpoint totals (which include what
    /// was stored before a restart), so the summary equals what the store holds. Languages
    /// by time, longest first.
    public mutating func sessionSummary(
        session: SessionID, durationMs: Int64, totals: CheckpointTotals, languages: [String: Int64], ref: RequestID?
    ) {
        let fields = SummaryFields(
            durationMs: durationMs, activeMs: totals.activeMs, flowMs: totals.flowMs, flowPeriods: totals.flowPeriods,
            interruptions: totals.interruptions, meanRecoveryMs: totals.meanRecoveryMs, keystrokes: totals.keystrokes,
            linesAdded: totals.linesAdded, linesDeleted: totals.linesDeleted, focusScore: totals.focusScore)
        let ordered = languages.sorted { $0.value > $1.value || $0.value == $1.value && $0.key < $1.key }
        sessionSummary(session: session, fields: fields, languages: ordered.map { ($0.key, $0.value) }, ref: ref)
    }
}
