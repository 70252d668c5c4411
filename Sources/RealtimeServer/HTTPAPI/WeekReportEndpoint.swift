import CoachingCore
import FlowEngine
import WireJSON

/// `GET /v1/reports/week?week=YYYY-Www&format=json|html`: the caller's ``WeekReport`` (default:
/// the current week in their time zone), as JSON or as a printable HTML page with its charts
/// drawn as inline SVG (``WeekReportPage``).
enum WeekReportEndpoint {
    /// Most sessions read per week; `truncated` says when a week held more.
    static let maxSessions = 10_000
    /// Most languages and projects listed.
    static let maxRanked = 12

    static func respond(_ caller: APICaller, _ query: APIQuery, store: any Store, nowMs: Int64) throws(APIError) -> APIResponse {
        let calendar = caller.calendar
        var week = ISOWeek(containing: calendar.day(atMs: nowMs))
        if let text = query.string("week") {
            guard let parsed = ISOWeek(parsing: text) else {
                throw .invalidField(name: "week", problem: "not an ISO week (expected YYYY-Www, e.g. 2026-W49)")
            }
            week = parsed
        }
        let html: Bool
        switch query.string("format") {
        case nil, "json": html = false
        case "html": html = true
        default: throw .invalidField(name: "format", problem: "must be json or html")
        }
        let userId = caller.user.id
        let previous = week.previous
        func sessions(_ days: ClosedRange<LocalDay>) throws(APIError) -> [StoredSession] {
            try APIRouter.read { () throws(StoreError) in
                try store.sessions(
                    userId: userId, fromMs: calendar.startMs(of: days.lowerBound), toMs: calendar.endMs(of: days.upperBound),
                    limit: maxSessions)
            }
        }
        let current = try sessions(week.days)
        let before = try sessions(previous.days)
        let aggregates = try APIRouter.read { () throws(StoreError) in
            try store.dailyAggregates(fromDay: previous.monday.description, userId: userId)
        }
        // The user's daily goal decides the goal days; without one, the configured daily goal.
        let goal = try APIRouter.read { () throws(StoreError) in try store.goal(userId: userId) }
        let daily = goal.flatMap { $0.period == .day ? $0 : nil }
        let report = WeekReport(
            week: week, goalMs: daily?.targetMs ?? FlowEngineConfiguration.standard.daily.streakGoal.value,
            goalMetric: daily?.metric ?? .active, sessions: current,
            previousSessions: before, daily: aggregates, calendar: calendar)
        if html {
            return WeekReportPage.response(report, user: caller.user, calendar: calendar)
        }
        return APIRouter.ok { json in
            json.writeWeekReport(report, timeZone: calendar.identifier, truncated: current.count >= maxSessions)
        }
    }
}

extension JSONWriter {
    mutating func writeWeekReport(_ report: WeekReport, timeZone: String, truncated: Bool) {
        beginObject()
        key("week"); value(string: report.week.description)
        key("time_zone"); value(string: timeZone)
        key("from"); value(string: report.week.days.lowerBound.description)
        key("to"); value(string: report.week.days.upperBound.description)
        key("goal_ms"); value(report.goalMs)
        key("goal_metric"); value(string: report.goalMetric.rawValue)
        key("totals"); writeWeekTotals(report.totals)
        key("previous")
        beginObject()
        key("week"); value(string: report.week.previous.description)
        key("totals"); writeWeekTotals(report.previous)
        endObject()
        key("days")
        beginArray()
        for day in report.history.days {
            beginObject()
            key("day"); value(string: day.day.description)
            key("active_ms"); value(day.activeMs)
            key("flow_ms"); value(day.flowMs)
            key("goal_met"); value(report.goalMet(day))
            endObject()
        }
        endArray()
        key("flow_ms_by_hour")
        beginArray()
        for ms in report.insights.flowMsByHour { value(ms) }
        endArray()
        key("best_hours")
        beginArray()
        for peak in report.insights.peakHours {
            beginObject()
            key("hour"); value(peak.hour)
            key("flow_ms"); value(peak.flowMs)
            endObject()
        }
        endArray()
        key("longest_flow")
        if let longest = report.longestFlow {
            beginObject()
            key("start_ms"); value(longest.startMs)
            key("duration_ms"); value(longest.durationMs)
            key("project")
            if let project = longest.project { value(string: project) } else { null() }
            endObject()
        } else {
            null()
        }
        key("languages"); writeRanked(DayHistory.ranked(report.history.languageMs, limit: WeekReportEndpoint.maxRanked) { $0 })
        key("projects"); writeRanked(DayHistory.ranked(report.history.projectMs, limit: WeekReportEndpoint.maxRanked) { $0 ?? "" })
        key("truncated"); value(truncated)
        endObject()
    }

    mutating func writeWeekTotals(_ totals: WeekReport.Totals) {
        beginObject()
        key("active_ms"); value(totals.activeMs)
        key("flow_ms"); value(totals.flowMs)
        key("sessions"); value(totals.sessions)
        key("interruptions"); value(totals.interruptions)
        key("goal_days"); value(totals.goalDays)
        endObject()
    }
}
