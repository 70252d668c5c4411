import CoachingCore
import WireJSON

/// What the plugins read: the status bar's "today" and the summaries of a date range.
enum WakaTimeReadEndpoints {
    /// Longest summaries range.
    static let maxDays: Int64 = 366

    /// `GET …/users/current/statusbar/today`: `data.grand_total.text` is what an editor's
    /// status bar shows.
    static func statusBarToday(_ caller: APICaller, context: APIContext) throws(WakaTimeFailure) -> APIResponse {
        let today = caller.calendar.day(atMs: context.nowMs)
        let summary = try load(today...today, caller, context).first
        var json = JSONWriter(capacity: 1024)
        json.beginObject()
        json.key("cached_at"); json.value(string: RFC3339Timestamp.string(epochMs: context.nowMs))
        json.key("data")
        json.beginObject()
        summary?.writeFields(into: &json, calendar: caller.calendar)
        json.endObject()
        json.endObject()
        return APIResponse(status: 200, json: json.bytes)
    }

    /// `GET …/users/current/summaries?start=YYYY-MM-DD&end=YYYY-MM-DD` (or `range=today`,
    /// `yesterday`, `last_7_days`, `last_30_days`).
    static func summaries(_ caller: APICaller, _ parameters: APIQuery, context: APIContext) throws(WakaTimeFailure) -> APIResponse {
        let days = try range(parameters, today: caller.calendar.day(atMs: context.nowMs))
        let summaries = try load(days, caller, context)
        let total = summaries.reduce(0) { $0 + $1.totalMs }
        var json = JSONWriter(capacity: 1024 * summaries.count)
        json.beginObject()
        json.key("data")
        json.beginArray()
        for summary in summaries {
            json.beginObject()
            summary.writeFields(into: &json, calendar: caller.calendar)
            json.endObject()
        }
        json.endArray()
        json.key("cumulative_total")
        json.beginObject()
        json.key("seconds"); json.value(Double(total) / 1000, fractionDigits: 3)
        json.key("text"); json.value(string: WakaTimeDuration(ms: total).text)
        json.key("digital"); json.value(string: WakaTimeDuration(ms: total).digital)
        json.key("decimal"); json.value(string: decimalHours(total))
        json.endObject()
        let average = summaries.isEmpty ? 0 : total / Int64(summaries.count)
        json.key("daily_average")
        json.beginObject()
        json.key("seconds"); json.value(Double(average) / 1000, fractionDigits: 3)
        json.key("text"); json.value(string: WakaTimeDuration(ms: average).text)
        json.key("days_including_holidays"); json.value(Int64(summaries.count))
        json.endObject()
        json.key("start"); json.value(string: RFC3339Timestamp.string(epochMs: caller.calendar.startMs(of: days.lowerBound)))
        json.key("end"); json.value(string: RFC3339Timestamp.string(epochMs: caller.calendar.endMs(of: days.upperBound) - 1))
        json.endObject()
        return APIResponse(status: 200, json: json.bytes)
    }

    static func range(_ parameters: APIQuery, today: LocalDay) throws(WakaTimeFailure) -> ClosedRange<LocalDay> {
        if let named = parameters.string("range") {
            switch named.lowercased().split(separator: " ").joined(separator: "_") {
            case "today": return today...today
            case "yesterday": return today.adding(days: -1)...today.adding(days: -1)
            case "last_7_days": return today.adding(days: -6)...today
            case "last_30_days": return today.adding(days: -29)...today
            default: throw WakaTimeFailure(status: 400, "range: use today, yesterday, last_7_days or last_30_days")
            }
        }
        let start: LocalDay?
        let end: LocalDay?
        do {
            start = try parameters.day("start")
            end = try parameters.day("end")
        } catch {
            throw WakaTimeFailure(error)
        }
        guard let start, let end else { throw WakaTimeFailure(status: 400, "start and end are required (YYYY-MM-DD), or range") }
        guard start <= end, end.dayNumber - start.dayNumber < maxDays else {
            throw WakaTimeFailure(status: 400, "start must not be after end, and the range at most \(maxDays) days")
        }
        return start...end
    }

    private static func load(_ days: ClosedRange<LocalDay>, _ caller: APICaller, _ context: APIContext) throws(WakaTimeFailure) -> [WakaTimeSummary] {
        do {
            return try WakaTimeSummary.load(days, caller: caller, store: context.store)
        } catch {
            throw WakaTimeFailure(error)
        }
    }

    /// Hours with two decimals, as text (`"1.03"`).
    static func decimalHours(_ ms: Int64) -> String {
        let hundredths = max(0, ms) / 36_000
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}
