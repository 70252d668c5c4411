import CoachingCore
import WireJSON

/// `GET /v1/insights?days=N`: ``PersonalInsights`` over the last N local days of the
/// caller, today included (default 30, at most 366).
enum InsightsEndpoint {
    static let defaultDays = 30
    static let maxDays = 366
    /// Most sessions read for one answer; `truncated` says when a window held more.
    static let maxSessions = 10_000

    static func respond(_ caller: APICaller, _ query: APIQuery, store: any Store, nowMs: Int64) throws(APIError) -> APIResponse {
        let days = try query.integer("days", in: 1...maxDays) ?? defaultDays
        let calendar = caller.calendar
        let today = calendar.day(atMs: nowMs)
        let first = today.adding(days: -Int64(days - 1))
        let userId = caller.user.id
        let sessions = try APIRouter.read { () throws(StoreError) in
            try store.sessions(
                userId: userId, fromMs: calendar.startMs(of: first), toMs: calendar.endMs(of: today), limit: maxSessions)
        }
        let daily = try APIRouter.read { () throws(StoreError) in
            try store.dailyAggregates(fromDay: first.description, userId: userId)
        }
        let insights = PersonalInsights(sessions: sessions, daily: daily, window: first...today, calendar: calendar)
        return APIRouter.ok { json in
            json.beginObject()
            json.key("time_zone"); json.value(string: calendar.identifier)
            json.key("days"); json.value(days)
            json.key("from"); json.value(string: first.description)
            json.key("to"); json.value(string: today.description)
            json.key("sessions"); json.value(insights.sessionCount)
            json.key("active_ms"); json.value(insights.activeMs)
            json.key("flow_ms"); json.value(insights.flowMs)
            json.key("peak_hours")
            json.beginArray()
            for peak in insights.peakHours {
                json.beginObject()
                json.key("hour"); json.value(peak.hour)
                json.key("flow_ms"); json.value(peak.flowMs)
                json.endObject()
            }
            json.endArray()
            json.key("flow_ms_by_hour")
            json.beginArray()
            for ms in insights.flowMsByHour { json.value(ms) }
            json.endArray()
            json.key("typical_flow_entry_ms"); json.writeOptional(insights.typicalFlowEntryMs)
            json.key("flow_entry_samples"); json.value(insights.flowEntrySamples)
            json.key("mean_recovery_ms"); json.writeOptional(insights.meanRecoveryMs)
            json.key("recovered_interruptions"); json.value(insights.recoveredInterruptions)
            json.key("best_day")
            if let best = insights.bestDay {
                json.beginObject()
                json.key("day"); json.value(string: best.day)
                json.key("flow_ms"); json.value(best.flowMs)
                json.key("active_ms"); json.value(best.activeMs)
                json.key("sessions"); json.value(best.sessions)
                json.endObject()
            } else {
                json.null()
            }
            json.key("truncated"); json.value(sessions.count >= maxSessions)
            json.endObject()
        }
    }
}
