import FlowEngine
import WireJSON

extension OutboundEncoder {
    /// `session.summary` from a session's cumulative checkpoint totals (which include what
    /// was stored before a restart), so the summary equals what the store holds.
    mutating func sessionSummary(
        session: SessionID, durationMs: Int64, totals: SessionTotals, languages: [String: Int64], ref: RequestID?
    ) {
        begin("session.summary")
        writer.key("session"); write(session)
        writer.key("duration_ms"); writer.value(durationMs)
        writer.key("active_ms"); writer.value(totals.activeMs)
        writer.key("flow_ms"); writer.value(totals.flowMs)
        writer.key("flow_periods"); writer.value(totals.flowPeriods)
        writer.key("interruptions"); writer.value(totals.interruptions)
        writer.key("mean_recovery_ms"); writer.value(totals.meanRecoveryMs)
        writer.key("keystrokes"); writer.value(totals.keystrokes)
        writer.key("lines_added"); writer.value(totals.linesAdded)
        writer.key("lines_deleted"); writer.value(totals.linesDeleted)
        writer.key("focus_score"); writeRatio(totals.focusScore)
        writer.key("languages")
        writer.beginObject()
        for (language, ms) in languages.sorted(by: { $0.value > $1.value || $0.value == $1.value && $0.key < $1.key }) {
            writer.key(string: language)
            writer.value(ms)
        }
        writer.endObject()
        end(ref: ref)
    }
}
