import CoachingCore
import WireJSON

/// `GET /v1/days?days=N`: the caller's active and flow time per local day over the last N
/// days, today included (default 14, at most 366), oldest first, with the window's time per
/// language and per project (``DayHistory``).
enum DayHistoryEndpoint {
    static let defaultDays = 14
    static let maxDays = 366
    /// Most sessions read for one answer; `truncated` says when a window held more.
    static let maxSessions = 10_000
    /// Most languages and projects listed (the rest is summed in `other_ms`).
    static let maxRanked = 12

    static func respond(_ caller: APICaller, _ query: APIQuery, store: any Store, nowMs: Int64) throws(APIError) -> APIResponse {
        let days = try query.integer("days", in: 1...maxDays) ?? defaultDays
        let calendar = caller.calendar
        let today = calendar.day(atMs: nowMs)
        let first = today.adding(days: -Int64(days - 1))
        let userId = caller.user.id
        let daily = try APIRouter.read { () throws(StoreError) in
            try store.dailyAggregates(fromDay: first.description, userId: userId)
        }
        // A session that started the day before the window can have a share inside it.
        let sessions = try APIRouter.read { () throws(StoreError) in
            try store.sessions(
                userId: userId, fromMs: calendar.startMs(of: first.adding(days: -1)), toMs: calendar.endMs(of: today),
                limit: maxSessions)
        }
        let history = DayHistory(daily: daily, sessions: sessions, window: first...today)
        return APIRouter.ok { json in
            json.beginObject()
            json.key("time_zone"); json.value(string: calendar.identifier)
            json.key("from"); json.value(string: first.description)
            json.key("to"); json.value(string: today.description)
            json.key("days")
            json.beginArray()
            for day in history.days {
                json.beginObject()
                json.key("day"); json.value(string: day.day.description)
                json.key("active_ms"); json.value(day.activeMs)
                json.key("flow_ms"); json.value(day.flowMs)
                json.key("sessions"); json.value(day.sessions)
                json.endObject()
            }
            json.endArray()
            json.key("languages"); json.writeRanked(DayHistory.ranked(history.languageMs, limit: maxRanked) { $0 })
            json.key("projects"); json.writeRanked(DayHistory.ranked(history.projectMs, limit: maxRanked) { $0 ?? "" })
            json.key("truncated"); json.value(sessions.count >= maxSessions)
            json.endObject()
        }
    }
}

extension JSONWriter {
    /// `[{"name":"swift","ms":4500}, …]`, in the given order (an empty name: none given).
    mutating func writeRanked(_ entries: [(name: String, ms: Int64)]) {
        beginArray()
        for entry in entries {
            beginObject()
            key("name"); value(string: entry.name)
            key("ms"); value(entry.ms)
            endObject()
        }
        endArray()
    }
}
