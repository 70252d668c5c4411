import CoachingCore
import WireJSON

/// One local day in WakaTime's summary shape, from what the store holds: the day's total
/// and languages are the daily aggregates (`stats:me` and the leaderboards use the same),
/// the other breakdowns come from the heartbeats, and time of Flowcoach extension sessions
/// shows as the editor "Flowcoach".
struct WakaTimeSummary: Sendable {
    let day: LocalDay
    let totalMs: Int64
    let flowMs: Int64
    /// Heartbeat time of the day, counted afresh.
    let heartbeatMs: Int64
    let languages: [String: Int64]
    let projects: [String: Int64]
    let editors: [String: Int64]
    let machines: [String: Int64]
    let categories: [String: Int64]

    /// Summaries of `days` (inclusive) for `caller`. Store failures are 503/500.
    static func load(_ days: ClosedRange<LocalDay>, caller: APICaller, store: any Store) throws(APIError) -> [WakaTimeSummary] {
        let userId = caller.user.id
        let calendar = caller.calendar
        let timeout = try APIRouter.read { () throws(StoreError) in try store.heartbeatTimeoutMs(userId: userId) }
            ?? HeartbeatDurations.defaultTimeoutMs
        let fromMs = calendar.startMs(of: days.lowerBound) - timeout
        let toMs = calendar.endMs(of: days.upperBound) + timeout
        let beats = try APIRouter.read { () throws(StoreError) in try store.heartbeats(userId: userId, fromMs: fromMs, toMs: toMs) }
        let spans = try APIRouter.read { () throws(StoreError) in try store.sessionSpans(userId: userId, fromMs: fromMs, toMs: toMs) }
        let fresh = HeartbeatDurations.days(of: beats, timeoutMs: timeout, covered: spans) { calendar.offsetMs(atMs: $0) }
        let heartbeatDays = Dictionary(fresh.map { ($0.day, $0) }, uniquingKeysWith: { first, _ in first })
        let first = days.lowerBound.description
        let stored = try APIRouter.read { () throws(StoreError) in try store.dailyAggregates(fromDay: first, userId: userId) }
        let daily = Dictionary(stored.map { ($0.day, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [WakaTimeSummary] = []
        var day = days.lowerBound
        while day <= days.upperBound {
            let key = day.description
            let beatsOfDay = heartbeatDays[key] ?? HeartbeatDayTotals(day: key)
            let aggregate = daily[key]
            let total = aggregate?.activeMs ?? 0
            // Time beyond the heartbeats' is the Flowcoach extension's sessions.
            let sessionMs = max(0, total - beatsOfDay.activeMs)
            func withSessions(_ map: [String: Int64], as name: String) -> [String: Int64] {
                sessionMs > 0 ? map.merging([name: sessionMs], uniquingKeysWith: +) : map
            }
            result.append(WakaTimeSummary(
                day: day, totalMs: total, flowMs: aggregate?.flowMs ?? 0, heartbeatMs: beatsOfDay.activeMs,
                languages: aggregate?.languageMs ?? [:], projects: withSessions(beatsOfDay.projectMs, as: ""),
                editors: withSessions(beatsOfDay.editorMs, as: "Flowcoach"), machines: withSessions(beatsOfDay.machineMs, as: ""),
                categories: withSessions(beatsOfDay.categoryMs, as: "coding")))
            day = day.adding(days: 1)
        }
        return result
    }

    /// The fields of one summary (`grand_total`, breakdowns, `range`, and Flowcoach's
    /// `flowcoach` note on flow time).
    func writeFields(into json: inout JSONWriter, calendar: UserCalendar) {
        json.key("grand_total"); WakaTimeDuration(ms: totalMs).writeTotal(into: &json)
        json.key("categories")
        WakaTimeDuration.writeBreakdown(
            Dictionary(categories.map { (Self.titleCase($0.key), $0.value) }, uniquingKeysWith: +), totalMs: totalMs,
            unknown: "Coding", into: &json)
        json.key("languages"); WakaTimeDuration.writeBreakdown(languages, totalMs: totalMs, unknown: "Other", into: &json)
        json.key("projects"); WakaTimeDuration.writeBreakdown(projects, totalMs: totalMs, unknown: "Unknown Project", into: &json)
        json.key("editors"); WakaTimeDuration.writeBreakdown(editors, totalMs: totalMs, unknown: "Unknown Editor", into: &json)
        json.key("machines"); WakaTimeDuration.writeBreakdown(machines, totalMs: totalMs, unknown: "Unknown Machine", into: &json)
        json.key("operating_systems"); json.beginArray(); json.endArray()
        json.key("dependencies"); json.beginArray(); json.endArray()
        json.key("range")
        json.beginObject()
        json.key("date"); json.value(string: day.description)
        json.key("start"); json.value(string: RFC3339Timestamp.string(epochMs: calendar.startMs(of: day)))
        json.key("end"); json.value(string: RFC3339Timestamp.string(epochMs: calendar.endMs(of: day) - 1))
        json.key("text"); json.value(string: day.description)
        json.key("timezone"); json.value(string: calendar.identifier)
        json.endObject()
        json.key("flowcoach")
        json.beginObject()
        json.key("flow_ms"); json.value(flowMs)
        json.key("heartbeat_ms"); json.value(heartbeatMs)
        json.key("note"); json.value(string: Self.flowNote)
        json.endObject()
    }

    /// What the API says about flow for heartbeat time.
    static let flowNote =
        "Heartbeats carry no keystroke rhythm, so heartbeat-only time has no flow state; "
        + "flow_ms counts only Flowcoach extension sessions. Install the Flowcoach extension for flow coaching."

    static func titleCase(_ text: String) -> String {
        text.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}
