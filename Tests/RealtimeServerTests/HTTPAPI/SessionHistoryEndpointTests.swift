import CoachingCore
import Foundation
import Testing

@testable import RealtimeServer

/// `GET /v1/sessions`: the caller's sessions only, by local date range, newest first,
/// paged with an opaque cursor that visits every session exactly once.
struct SessionHistoryEndpointTests {
    private func ids(_ response: APIResponse) -> [String] {
        (APITestWorld.json(response)["sessions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test("sessions come newest first with their stored totals, days and flow periods")
    func listing() throws {
        let world = try APITestWorld()
        let older = try world.session(world.ada, start: "2026-11-20T08:00:00Z", day: "2026-11-20", flowPeriods: [(10, 30)], focus: 0.625, interruptions: 2, meanRecoveryMs: 90_000)
        let newer = try world.session(world.ada, start: "2026-11-21T08:00:00Z", minutes: 45, day: "2026-11-21", project: nil)
        try world.session(world.bob, start: "2026-11-21T09:00:00Z", day: "2026-11-21")
        let response = world.get("/v1/sessions", as: world.ada)
        #expect(response.status == 200)
        let body = APITestWorld.json(response)
        #expect(ids(response) == [newer.sessionId, older.sessionId])
        #expect(body["next_cursor"] is NSNull)
        #expect(body["time_zone"] as? String == "Europe/Berlin")
        let sessions = try #require(body["sessions"] as? [[String: Any]])
        let first = sessions[1]
        #expect(first["started_at"] as? String == "2026-11-20T08:00:00.000Z")
        #expect(APITestWorld.int(first["started_at_ms"]) == older.startedAtMs)
        #expect(APITestWorld.int(first["duration_ms"]) == 3_600_000)
        #expect(APITestWorld.int(first["active_ms"]) == older.totals.activeMs)
        #expect(APITestWorld.int(first["flow_ms"]) == 1_800_000)
        #expect(APITestWorld.int(first["interruptions"]) == 2)
        #expect(APITestWorld.int(first["mean_recovery_ms"]) == 90_000)
        #expect((first["focus_score"] as? NSNumber)?.doubleValue == 0.625)
        #expect(first["project"] as? String == "flowcoach")
        #expect(first["ended"] as? Bool == true)
        #expect((first["languages"] as? [String: Any]).flatMap { APITestWorld.int($0["swift"]) } == 3_600_000)
        let periods = try #require(first["periods"] as? [[String: Any]])
        #expect(periods.count == 1)
        #expect(APITestWorld.int(periods.first?["start_ms"]) == older.startedAtMs + 600_000)
        #expect(APITestWorld.int(periods.first?["duration_ms"]) == 1_800_000)
        #expect((first["days"] as? [[String: Any]])?.first?["day"] as? String == "2026-11-20")
        #expect(sessions[0]["project"] is NSNull)
    }

    @Test("from and to are local days of the user, both included")
    func localDateRange() throws {
        let world = try APITestWorld()
        // 23:30 UTC on the 21st is 00:30 on the 22nd in Berlin.
        let lateNight = try world.session(world.ada, start: "2026-11-21T23:30:00Z", day: "2026-11-22")
        let evening = try world.session(world.ada, start: "2026-11-21T22:59:59Z", day: "2026-11-21")
        let early = try world.session(world.ada, start: "2026-11-19T23:00:00Z", day: "2026-11-20")
        #expect(ids(world.get("/v1/sessions?from=2026-11-22", as: world.ada)) == [lateNight.sessionId])
        #expect(ids(world.get("/v1/sessions?to=2026-11-21", as: world.ada)) == [evening.sessionId, early.sessionId])
        #expect(ids(world.get("/v1/sessions?from=2026-11-20&to=2026-11-20", as: world.ada)) == [early.sessionId])
        #expect(ids(world.get("/v1/sessions?from=2026-11-21&to=2026-11-21", as: world.ada)) == [evening.sessionId])
        #expect(ids(world.get("/v1/sessions?from=2026-11-23", as: world.ada)).isEmpty)
        let body = APITestWorld.json(world.get("/v1/sessions?from=2026-11-20&to=2026-11-21", as: world.ada))
        #expect(body["from"] as? String == "2026-11-20" && body["to"] as? String == "2026-11-21")
    }

    @Test("paging with the cursor visits every session once, in order, also across equal start times")
    func paging() throws {
        let world = try APITestWorld()
        var expected: [SessionCheckpoint] = []
        for day in 15...18 {
            expected.append(try world.session(world.ada, start: "2026-11-\(day)T08:00:00Z", day: "2026-11-\(day)"))
        }
        // Four sessions starting at the same millisecond (two editor windows and more).
        for index in 0..<4 {
            expected.append(try world.session(world.ada, start: "2026-11-19T08:00:00Z", day: "2026-11-19", id: "5e55\(index)000-0000-4000-8000-00000000000\(index)"))
        }
        let order = expected.sorted {
            $0.startedAtMs != $1.startedAtMs ? $0.startedAtMs > $1.startedAtMs : $0.sessionId < $1.sessionId
        }.map(\.sessionId)
        for limit in 1...3 {
            var seen: [String] = []
            var target = "/v1/sessions?limit=\(limit)"
            var pages = 0
            while pages < 20 {
                pages += 1
                let response = world.get(target, as: world.ada)
                #expect(response.status == 200)
                let page = ids(response)
                #expect(page.count <= limit)
                seen += page
                guard let cursor = APITestWorld.json(response)["next_cursor"] as? String else { break }
                target = "/v1/sessions?limit=\(limit)&before=\(cursor)"
            }
            #expect(seen == order, "limit \(limit)")
            // The last page says it is the last: no empty page at the end.
            #expect(pages == (order.count + limit - 1) / limit, "limit \(limit)")
        }
    }

    @Test("only the token's user's sessions are reachable, whatever the cursor says")
    func ownSessionsOnly() throws {
        let world = try APITestWorld()
        let bobs = try world.session(world.bob, start: "2026-11-21T09:00:00Z", day: "2026-11-21")
        let adas = try world.session(world.ada, start: "2026-11-20T09:00:00Z", day: "2026-11-20")
        #expect(ids(world.get("/v1/sessions", as: world.bob)) == [bobs.sessionId])
        #expect(ids(world.get("/v1/sessions", as: world.ada)) == [adas.sessionId])
        // A cursor pointing just after bob's session still only yields ada's data.
        let cursor = SessionCursor(startedAtMs: bobs.startedAtMs + 1, sessionId: bobs.sessionId).text
        #expect(ids(world.get("/v1/sessions?before=\(cursor)", as: world.ada)) == [adas.sessionId])
        #expect(!world.get("/v1/sessions", as: world.ada).text.contains(world.bob.id))
    }

    @Test("a cursor round-trips and rejects anything it did not produce")
    func cursorText() {
        let cursor = SessionCursor(startedAtMs: -5, sessionId: "abc-DEF_1")
        #expect(SessionCursor(parsing: cursor.text) == cursor)
        #expect(!cursor.text.contains("="))
        #expect(SessionCursor(parsing: "") == nil)
        #expect(SessionCursor(parsing: String(repeating: "A", count: 200)) == nil)
        #expect(SessionCursor(parsing: "MDA3Ong") == nil)  // "007:x": not canonical
        #expect(SessionCursor(parsing: "MTp4") == SessionCursor(startedAtMs: 1, sessionId: "x"))
        #expect(SessionCursor(parsing: "MTo") == nil)  // "1:" without id
    }
}
