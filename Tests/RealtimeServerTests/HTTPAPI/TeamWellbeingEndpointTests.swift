import CoachingCore
import Foundation
import Testing

@testable import RealtimeServer

/// `GET /v1/teams/<id>/wellbeing`: flow share, interruptions per hour and wellbeing counts
/// from consenting members only; a burnout signal high for a week is flagged.
struct TeamWellbeingEndpointTests {
    private func day(_ body: [String: Any], _ label: String) -> [String: Any]? {
        (body["daily"] as? [[String: Any]])?.first { $0["day"] as? String == label }
    }

    @Test("long days, late nights and weekend work are counted, bob (no consent) never")
    func counts() throws {
        let world = try APITestWorld()
        // Saturday 21 November; ada is in Berlin (UTC+1): 22:30 local is 21:30Z.
        try world.session(world.ada, start: "2026-11-21T12:00:00Z", minutes: 570, day: "2026-11-21", flowPeriods: [(0, 300)], interruptions: 19)
        try world.session(world.carol, start: "2026-11-20T21:30:00Z", minutes: 60, day: "2026-11-20", flowPeriods: [(0, 30)], interruptions: 1)
        try world.session(world.bob, start: "2026-11-20T09:00:00Z", minutes: 700, day: "2026-11-20", interruptions: 50)
        let response = world.get("/v1/teams/\(world.team.id)/wellbeing?days=7", as: world.ada)
        #expect(response.status == 200)
        let body = APITestWorld.json(response)
        #expect(APITestWorld.int(body["consenting_members"]) == 2)
        let saturday = try #require(day(body, "2026-11-21"))
        #expect(APITestWorld.int(saturday["long_days"]) == 1)
        #expect(APITestWorld.int(saturday["late_nights"]) == 1)  // ada until 21:30Z = 22:30 in Berlin
        #expect(APITestWorld.int(saturday["weekend_work"]) == 1)
        #expect((saturday["interruptions_per_hour"] as? NSNumber)?.doubleValue == 2)
        #expect((saturday["flow_share"] as? NSNumber).map { abs($0.doubleValue - 300.0 / 570.0) < 0.0001 } == true)
        #expect((saturday["burnout_signal"] as? NSNumber)?.doubleValue == 1)
        let friday = try #require(day(body, "2026-11-20"))
        // carol alone (bob's 700 minutes and 50 interruptions do not count).
        #expect(APITestWorld.int(friday["active_members"]) == 1)
        #expect(APITestWorld.int(friday["active_ms"]) == Int64(60 * 60_000))
        #expect(APITestWorld.int(friday["long_days"]) == 0 && APITestWorld.int(friday["weekend_work"]) == 0)
        #expect((body["burnout"] as? [String: Any])?["sustained"] as? Bool == false)
        #expect(!response.text.contains(world.bob.id))
    }

    @Test("a week of long days is a sustained burnout signal; eve (not a member) is refused")
    func sustained() throws {
        let world = try APITestWorld()
        for offset in 0..<7 {
            let label = "2026-11-\(16 + offset)"
            try world.session(world.carol, start: "\(label)T07:00:00Z", minutes: 600, day: label)
        }
        let body = APITestWorld.json(world.get("/v1/teams/\(world.team.id)/wellbeing?days=7", as: world.ada))
        #expect((body["burnout"] as? [String: Any])?["sustained"] as? Bool == true)
        #expect(world.get("/v1/teams/\(world.team.id)/wellbeing", as: world.eve).status == 403)
    }
}
