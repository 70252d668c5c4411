import CoachingCore
import Persistence
import Foundation
import Testing

@testable import RealtimeServer

/// `GET /v1/reports/week`: an ISO week's totals, days, best hours, longest flow and goal
/// days next to the previous week's, as JSON or as a printable page without script.
struct WeekReportEndpointTests {
    private func populate(_ world: APITestWorld) throws {
        // Week 2026-W47 is 16…22 November; 2026-W46 is 9…15 November.
        try world.session(world.ada, start: "2026-11-16T09:00:00Z", minutes: 70, day: "2026-11-16", flowPeriods: [(10, 40)], interruptions: 2, project: "atlas")
        try world.session(world.ada, start: "2026-11-18T14:00:00Z", minutes: 30, day: "2026-11-18", flowPeriods: [(0, 25)], project: "beacon")
        try world.session(world.ada, start: "2026-11-10T09:00:00Z", minutes: 65, day: "2026-11-10", flowPeriods: [(5, 20)], interruptions: 1)
        try world.session(world.bob, start: "2026-11-17T09:00:00Z", minutes: 500, day: "2026-11-17", flowPeriods: [(0, 400)])
    }

    @Test("the current week's totals next to the previous week's")
    func currentWeek() throws {
        let world = try APITestWorld()
        try populate(world)
        let body = APITestWorld.json(world.get("/v1/reports/week", as: world.ada))
        let minute: Int64 = 60_000
        #expect(body["week"] as? String == "2026-W47")
        #expect(body["from"] as? String == "2026-11-16")
        #expect(body["to"] as? String == "2026-11-22")
        let totals = try #require(body["totals"] as? [String: Any])
        #expect(APITestWorld.int(totals["active_ms"]) == 100 * minute)
        #expect(APITestWorld.int(totals["flow_ms"]) == 65 * minute)
        #expect(APITestWorld.int(totals["sessions"]) == 2)
        #expect(APITestWorld.int(totals["interruptions"]) == 2)
        #expect(APITestWorld.int(totals["goal_days"]) == 1)
        let previous = try #require((body["previous"] as? [String: Any])?["totals"] as? [String: Any])
        #expect(APITestWorld.int(previous["active_ms"]) == 65 * minute)
        #expect(APITestWorld.int(previous["goal_days"]) == 1)
        let days = try #require(body["days"] as? [[String: Any]])
        #expect(days.count == 7)
        #expect(days.map { $0["goal_met"] as? Bool } == [true, false, false, false, false, false, false])
        let best = try #require(body["best_hours"] as? [[String: Any]])
        // ada's hours are Berlin's (UTC+1 in November).
        #expect(best.map { APITestWorld.int($0["hour"]) } == [10, 15])
        let longest = try #require(body["longest_flow"] as? [String: Any])
        #expect(APITestWorld.int(longest["duration_ms"]) == 40 * minute)
        #expect(longest["project"] as? String == "atlas")
    }

    @Test("a named week; the HTML page has no script and a hashed style")
    func namedWeekAsHTML() throws {
        let world = try APITestWorld()
        try populate(world)
        let json = APITestWorld.json(world.get("/v1/reports/week?week=2026-W46", as: world.ada))
        let totals = try #require(json["totals"] as? [String: Any])
        let minute: Int64 = 60_000
        #expect(APITestWorld.int(totals["active_ms"]) == 65 * minute)
        let response = world.get("/v1/reports/week?week=2026-W47&format=html", as: world.ada)
        #expect(response.status == 200)
        #expect(response.contentType.hasPrefix("text/html"))
        let page = String(decoding: response.body, as: UTF8.self)
        #expect(!page.contains("<script"))
        #expect(page.contains("Week 2026-W47"))
        #expect(page.contains("1 h 10 min"))
        let policy = try #require(response.header("Content-Security-Policy"))
        #expect(policy.contains("script-src 'none'") && policy.contains("style-src 'sha256-"))
    }

    @Test("a malformed or non-existent week is refused naming the parameter")
    func badWeeks() throws {
        let world = try APITestWorld()
        for bad in ["2026-W00", "2026-W54", "2025-W53", "2026W47", "2026-w47", "x"] {
            let response = world.get("/v1/reports/week?week=\(bad)", as: world.ada)
            #expect(response.status == 400, "\(bad)")
            #expect(APITestWorld.error(response).message.hasPrefix("week"))
        }
        #expect(world.get("/v1/reports/week?format=pdf", as: world.ada).status == 400)
    }

    @Test("goal days follow the user's own daily goal, on its metric")
    func ownGoal() throws {
        let world = try APITestWorld()
        try populate(world)
        // 30 minutes of flow a day: Monday (40 min) and Wednesday (25 min) → only Monday.
        try world.store.setGoal(UserGoal(period: .day, metric: .flow, targetMs: 30 * 60_000), userId: world.ada.id)
        let body = APITestWorld.json(world.get("/v1/reports/week", as: world.ada))
        #expect(body["goal_metric"] as? String == "flow")
        #expect(APITestWorld.int(body["goal_ms"]) == Int64(30 * 60_000))
        #expect(APITestWorld.int((body["totals"] as? [String: Any])?["goal_days"]) == 1)
        #expect(APITestWorld.int(((body["previous"] as? [String: Any])?["totals"] as? [String: Any])?["goal_days"]) == 0)
    }

    @Test("ISO weeks: the week of 4 January is week 1; 53-week years")
    func isoWeeks() {
        #expect(ISOWeek(parsing: "2026-W01")?.monday.description == "2025-12-29")
        #expect(ISOWeek(parsing: "2020-W53")?.monday.description == "2020-12-28")
        #expect(ISOWeek(parsing: "2021-W01")?.monday.description == "2021-01-04")
        #expect(ISOWeek(parsing: "2021-W53") == nil)
        #expect(ISOWeek(parsing: "2026-W53")?.monday.description == "2026-12-28")
        for text in ["2024-W01", "2026-W47", "2020-W53", "2027-W52"] {
            #expect(ISOWeek(parsing: text)?.description == text)
        }
        let sunday = LocalDay(parsing: "2026-11-22")!
        #expect(ISOWeek(containing: sunday).description == "2026-W47")
        #expect(ISOWeek(containing: sunday.adding(days: 1)).description == "2026-W48")
    }
}
