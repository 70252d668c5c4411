import CoachingCore
import WSProtocol

/// The weekly report as a printable HTML page: no script at all, one inline style block
/// allowed by its hash (the dashboard's strict Content-Security-Policy, computed the same
/// way), charts as inline SVG each followed by the table that is its text alternative.
enum WeekReportPage {
    static let contentType = "text/html; charset=utf-8"

    static func response(_ report: WeekReport, user: User, calendar: UserCalendar) -> APIResponse {
        let page = Array(html(report, user: user, calendar: calendar).utf8)
        return APIResponse(
            status: 200, reason: "OK", contentType: contentType, body: page,
            extraHeaders: [
                HTTPHeader(name: "Cache-Control", value: "no-store"),
                HTTPHeader(name: "Content-Security-Policy", value: DashboardPage.contentSecurityPolicy(for: page)),
                HTTPHeader(name: "X-Content-Type-Options", value: "nosniff"),
            ])
    }

    static let style = """
        body{font-family:system-ui,sans-serif;color:#1d1d1f;background:#fff;max-width:52rem;margin:1.5rem auto;padding:0 1rem;line-height:1.45}
        h1{font-size:1.4rem}h2{font-size:1.05rem;margin-top:1.6rem}
        table{border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}
        td.num,th.num{text-align:right}.muted{color:#5f6368}svg{max-width:100%;height:auto;display:block}
        .active{fill:#8fa6c9}.flow{fill:#5b2fc2}.hour{fill:#13795b}.goal{stroke:#a15c00;stroke-dasharray:4 3}
        @media print{body{margin:0}h2{break-after:avoid}table,svg{break-inside:avoid}}
        """

    static func html(_ report: WeekReport, user: User, calendar: UserCalendar) -> String {
        let week = report.week
        var out = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        out += "<title>Flowcoach week \(week) — \(escape(user.displayName))</title><style>\(style)</style></head><body>"
        out += "<h1>Week \(week) · \(escape(user.displayName))</h1>"
        out += "<p class=\"muted\">\(week.days.lowerBound) to \(week.days.upperBound), \(escape(calendar.identifier))</p>"

        out += "<h2>Totals, compared with week \(week.previous)</h2><table id=\"totals\"><thead><tr><th></th>"
        out += "<th class=\"num\">This week</th><th class=\"num\">Previous week</th><th class=\"num\">Change</th></tr></thead><tbody>"
        let rows: [(String, Int64, Int64, Bool)] = [
            ("Active time", report.totals.activeMs, report.previous.activeMs, true),
            ("Flow time", report.totals.flowMs, report.previous.flowMs, true),
            ("Sessions", report.totals.sessions, report.previous.sessions, false),
            ("Interruptions", report.totals.interruptions, report.previous.interruptions, false),
            ("Goal days", Int64(report.totals.goalDays), Int64(report.previous.goalDays), false),
        ]
        for (label, now, before, isTime) in rows {
            let change = now - before
            let sign = change > 0 ? "+" : change < 0 ? "−" : "±"
            out += "<tr><th scope=\"row\">\(label)</th><td class=\"num\">\(isTime ? duration(now) : String(now))</td>"
            out += "<td class=\"num\">\(isTime ? duration(before) : String(before))</td>"
            out += "<td class=\"num\">\(sign)\(isTime ? duration(abs(change)) : String(abs(change)))</td></tr>"
        }
        out += "</tbody></table>"

        out += "<h2>Days</h2>" + dayChart(report)
        out += "<table id=\"days\"><caption class=\"muted\">Active and flow time per day; goal \(duration(report.goalMs)) \(report.goalMetric == .flow ? "in flow" : "active")</caption>"
        out += "<thead><tr><th>Day</th><th class=\"num\">Active</th><th class=\"num\">Flow</th><th>Goal</th></tr></thead><tbody>"
        for day in report.history.days {
            let met = report.goalMet(day)
            out += "<tr><td>\(day.day)</td><td class=\"num\">\(duration(day.activeMs))</td>"
            out += "<td class=\"num\">\(duration(day.flowMs))</td><td>\(met ? "met" : "—")</td></tr>"
        }
        out += "</tbody></table>"

        out += "<h2>Best hours</h2>" + hourChart(report)
        let peaks = report.insights.peakHours
        out += "<p id=\"best-hours\">"
        out += peaks.isEmpty
            ? "No flow this week."
            : "Most flow at " + peaks.map { "\(twoDigits($0.hour)):00 (\(duration($0.flowMs)))" }.joined(separator: ", ") + "."
        out += "</p>"

        out += "<h2>Longest flow</h2><p id=\"longest-flow\">"
        if let longest = report.longestFlow {
            let local = longest.startMs + calendar.offsetMs(atMs: longest.startMs)
            let minutes = Int(UserCalendar.floorDivide(local, 60_000) % (24 * 60))
            out += "\(duration(longest.durationMs)) on \(calendar.day(atMs: longest.startMs)) from "
            out += "\(twoDigits(minutes / 60)):\(twoDigits(minutes % 60))"
            if let project = longest.project { out += " in \(escape(project))" }
            out += "."
        } else {
            out += "No completed flow period this week."
        }
        out += "</p>"

        out += "<h2>Languages and projects</h2>"
        out += ranked("languages", "Language", DayHistory.ranked(report.history.languageMs, limit: WeekReportEndpoint.maxRanked) { $0 })
        out += ranked("projects", "Project", DayHistory.ranked(report.history.projectMs, limit: WeekReportEndpoint.maxRanked) { $0 ?? "(none)" })
        out += "</body></html>\n"
        return out
    }

    /// Seven bars of active time with the flow part drawn over them, and the goal as a line.
    private static func dayChart(_ report: WeekReport) -> String {
        let width = 560, height = 160, base = 140
        let top = max(report.history.days.map(\.activeMs).max() ?? 0, report.goalMs, 1)
        var svg = "<svg viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"days-svg-title\">"
        svg += "<title id=\"days-svg-title\">Active and flow time per day (the table below lists them)</title>"
        for (index, day) in report.history.days.enumerated() {
            let x = 20 + index * 78
            let active = Int(day.activeMs * 120 / top)
            let flow = Int(day.flowMs * 120 / top)
            svg += "<rect class=\"active\" x=\"\(x)\" y=\"\(base - active)\" width=\"56\" height=\"\(active)\"/>"
            svg += "<rect class=\"flow\" x=\"\(x)\" y=\"\(base - flow)\" width=\"56\" height=\"\(flow)\"/>"
            svg += "<text x=\"\(x + 28)\" y=\"\(base + 15)\" text-anchor=\"middle\" font-size=\"11\">"
            svg += "\(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][index])</text>"
        }
        if report.goalMs > 0 {
            let y = base - Int(report.goalMs * 120 / top)
            svg += "<line class=\"goal\" x1=\"10\" x2=\"\(width - 10)\" y1=\"\(y)\" y2=\"\(y)\"/>"
        }
        return svg + "</svg>"
    }

    /// 24 bars of flow time by local hour of day.
    private static func hourChart(_ report: WeekReport) -> String {
        let hours = report.insights.flowMsByHour
        let top = max(hours.max() ?? 0, 1)
        var svg = "<svg viewBox=\"0 0 560 110\" role=\"img\" aria-labelledby=\"hours-svg-title\">"
        svg += "<title id=\"hours-svg-title\">Flow time by hour of day (the best hours are named below)</title>"
        for (hour, ms) in hours.enumerated() {
            let h = Int(ms * 80 / top)
            svg += "<rect class=\"hour\" x=\"\(16 + hour * 22)\" y=\"\(90 - h)\" width=\"18\" height=\"\(h)\"/>"
            if hour % 3 == 0 { svg += "<text x=\"\(25 + hour * 22)\" y=\"104\" text-anchor=\"middle\" font-size=\"10\">\(hour)</text>" }
        }
        return svg + "</svg>"
    }

    private static func ranked(_ id: String, _ heading: String, _ entries: [(name: String, ms: Int64)]) -> String {
        var out = "<table id=\"\(id)\"><thead><tr><th>\(heading)</th><th class=\"num\">Active</th></tr></thead><tbody>"
        if entries.isEmpty { out += "<tr><td colspan=\"2\" class=\"muted\">None</td></tr>" }
        for entry in entries { out += "<tr><td>\(escape(entry.name))</td><td class=\"num\">\(duration(entry.ms))</td></tr>" }
        return out + "</tbody></table>"
    }

    /// `3 h 05 min`, `42 min`, `30 s`.
    static func duration(_ ms: Int64) -> String {
        let seconds = max(0, ms) / 1000
        if seconds < 60 { return "\(seconds) s" }
        let minutes = seconds / 60
        if minutes < 60 { return "\(minutes) min" }
        return "\(minutes / 60) h \(twoDigits(Int(minutes % 60))) min"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    /// Text safe inside an element or a quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
