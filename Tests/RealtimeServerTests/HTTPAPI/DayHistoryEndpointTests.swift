import CoachingCore
import Foundation
import Testing

@testable import RealtimeServer

/// `GET /v1/days`: one entry per local day of the window (empty days included), and the
/// window's time per language and per project, from the caller's data only.
struct DayHistoryEndpointTests {
    @Test("fourteen days by default, oldest first, with languages and projects")
    func fourteenDays() throws {
        let world = try APITestWorld()
        try world.session(world.ada, start: "2026-11-21T08:00:00Z", minutes: 90, day: "2026-11-21", flowPeriods: [(10, 30)], project: "atlas")
        try world.session(world.ada, start: "2026-11-22T07:00:00Z", minutes: 30, day: "2026-11-22", flowPeriods: [(5, 20)], project: "beacon")
        try world.session(world.ada, start: "2026-11-22T09:00:00Z", minutes: 20, day: "2026-11-22", project: nil)
        // Before the window, and someone else's: neither counts.
        try world.session(world.ada, start: "2026-11-01T08:00:00Z", minutes: 300, day: "2026-11-01", project: "old")
        try world.session(world.bob, start: "2026-11-22T08:00:00Z", minutes: 600, day: "2026-11-22", project: "bobs")

        let response = world.get("/v1/days", as: world.ada)
        #expect(response.status == 200)
        let body = APITestWorld.json(response)
        #expect(body["from"] as? String == "2026-11-09")
        #expect(body["to"] as? String == "2026-11-22")
        let days = try #require(body["days"] as? [[String: Any]])
        #expect(days.count == 14)
        #expect(days.first?["day"] as? String == "2026-11-09")
        let minute: Int64 = 60_000
        #expect(days.map { APITestWorld.int($0["active_ms"]) }.suffix(2) == [90 * minute, 50 * minute])
        #expect(days.map { APITestWorld.int($0["flow_ms"]) }.suffix(2) == [30 * minute, 20 * minute])
        #expect(days.dropLast(2).allSatisfy { APITestWorld.int($0["active_ms"]) == 0 })
        let projects = try #require(body["projects"] as? [[String: Any]])
        #expect(projects.map { $0["name"] as? String } == ["atlas", "beacon", ""])
        #expect(projects.map { APITestWorld.int($0["ms"]) } == [90 * minute, 30 * minute, 20 * minute])
        let languages = try #require(body["languages"] as? [[String: Any]])
        #expect(languages.map { $0["name"] as? String } == ["swift"])
        #expect(APITestWorld.int(languages.first?["ms"]) == 140 * minute)
    }

    @Test("days is bounded and validated")
    func bounds() throws {
        let world = try APITestWorld()
        let one = APITestWorld.json(world.get("/v1/days?days=1", as: world.ada))
        #expect((one["days"] as? [[String: Any]])?.count == 1)
        for bad in ["0", "367", "x"] {
            let response = world.get("/v1/days?days=\(bad)", as: world.ada)
            #expect(response.status == 400)
            #expect(APITestWorld.error(response).message.hasPrefix("days"))
        }
    }
}
