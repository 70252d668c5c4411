import Persistence
import CoachingCore
import Foundation
import Testing

@testable import RealtimeServer

/// `GET /v1/teams/<id>/analytics`: members only; members who did not consent are not
/// counted at all.
struct TeamAnalyticsEndpointTests {
    private func daily(_ response: APIResponse, _ day: String) -> [String: Any]? {
        (APITestWorld.json(response)["daily"] as? [[String: Any]])?.first { $0["day"] as? String == day }
    }

    private func populate(_ world: APITestWorld) throws {
        try world.session(world.ada, start: "2026-11-21T08:00:00Z", minutes: 60, day: "2026-11-21", flowPeriods: [(0, 20)], focus: 0.8)
        try world.session(world.carol, start: "2026-11-21T14:00:00Z", minutes: 30, day: "2026-11-21", flowPeriods: [(0, 10)], focus: 0.4)
        try world.session(world.carol, start: "2026-11-20T14:00:00Z", minutes: 30, day: "2026-11-20", focus: 0.25)
        // bob is a member who did not consent: huge numbers that must not show.
        try world.session(world.bob, start: "2026-11-21T09:00:00Z", minutes: 600, day: "2026-11-21", flowPeriods: [(0, 500)], focus: 0.1)
        try world.session(world.bob, start: "2026-11-19T09:00:00Z", minutes: 600, day: "2026-11-19", flowPeriods: [(0, 500)], focus: 0.1)
        // eve is in no team.
        try world.session(world.eve, start: "2026-11-21T09:00:00Z", minutes: 600, day: "2026-11-21", focus: 0.9)
    }

    @Test("daily mean focus, flow time and sessions are built from consenting members only")
    func consentingOnly() throws {
        let world = try APITestWorld()
        try populate(world)
        let target = "/v1/teams/\(world.team.id)/analytics?days=7"
        let response = world.get(target, as: world.ada)
        #expect(response.status == 200)
        let body = APITestWorld.json(response)
        #expect((body["team"] as? [String: Any])?["name"] as? String == "core")
        #expect(APITestWorld.int(body["consenting_members"]) == 2)
        #expect((body["daily"] as? [Any])?.count == 7)
        #expect(body["from"] as? String == "2026-11-16" && body["to"] as? String == "2026-11-22")
        let day = try #require(daily(response, "2026-11-21"))
        #expect(APITestWorld.int(day["sessions"]) == 2)
        #expect(APITestWorld.int(day["active_members"]) == 2)
        #expect(APITestWorld.int(day["active_ms"]) == Int64(90 * 60_000))
        #expect(APITestWorld.int(day["flow_ms"]) == Int64(30 * 60_000))
        // (0.8 × 60 min + 0.4 × 30 min) / 90 min
        #expect(abs(((day["mean_focus"] as? NSNumber)?.doubleValue ?? 0) - 2.0 / 3.0) < 0.0001)
        #expect(APITestWorld.int(try #require(daily(response, "2026-11-20"))["sessions"]) == 1)
        let bobOnly = try #require(daily(response, "2026-11-19"))
        #expect(APITestWorld.int(bobOnly["sessions"]) == 0)
        #expect(bobOnly["mean_focus"] is NSNull)
        #expect(!response.text.contains(world.bob.id) && !response.text.contains(world.bob.name))

        // Carol withdraws consent: her data leaves the analytics at once.
        try world.store.setMembership(TeamMembership(teamId: world.team.id, userId: world.carol.id, dataSharingConsent: false, joinedAtMs: 4))
        let after = world.get(target, as: world.ada)
        #expect(APITestWorld.int(APITestWorld.json(after)["consenting_members"]) == 1)
        #expect(APITestWorld.int(daily(after, "2026-11-21")?["active_ms"]) == Int64(60 * 60_000))
        #expect(APITestWorld.int(daily(after, "2026-11-20")?["sessions"]) == 0)
    }

    @Test("a member who did not consent may still read the team's analytics")
    func nonConsentingMemberReads() throws {
        let world = try APITestWorld()
        try populate(world)
        let response = world.get("/v1/teams/\(world.team.id)/analytics", as: world.bob, scope: .ingest)
        #expect(response.status == 200)
        #expect((APITestWorld.json(response)["daily"] as? [Any])?.count == 30)
        #expect(APITestWorld.int(daily(response, "2026-11-21")?["sessions"]) == 2)
    }

    @Test("a non-member gets 403, for an existing team and an unknown one alike")
    func nonMember() throws {
        let world = try APITestWorld()
        try populate(world)
        for team in [world.team.id, "00000000-0000-4000-8000-000000000000", "core", "x"] {
            for scope in TokenScope.allCases {
                let response = world.get("/v1/teams/\(team)/analytics", as: world.eve, scope: scope)
                #expect(response.status == 403, "\(team)")
                #expect(APITestWorld.error(response).code == "forbidden")
                #expect(!response.text.contains("core") && !response.text.contains(world.ada.id))
            }
        }
        // A member of the team asking about another team is refused too.
        let other = Team(id: "0be00000-0000-4000-8000-000000000009", name: "other", createdAtMs: 1)
        try world.store.createTeam(other)
        try world.store.setMembership(TeamMembership(teamId: other.id, userId: world.eve.id, dataSharingConsent: true, joinedAtMs: 1))
        #expect(world.get("/v1/teams/\(other.id)/analytics", as: world.ada).status == 403)
        #expect(world.get("/v1/teams/\(other.id)/analytics", as: world.eve).status == 200)
    }

    @Test("an overlong team id is 404; days follow the caller's time zone")
    func pathAndDays() throws {
        let world = try APITestWorld()
        #expect(world.get("/v1/teams/\(String(repeating: "a", count: 65))/analytics", as: world.ada).status == 404)
        #expect(world.get("/v1/teams/%FF/analytics", as: world.ada).status == 404)
        // At 2026-11-22T03:00Z it is still the 21st in New York.
        let context = world.context(nowMs: APITestWorld.ms("2026-11-22T03:00:00Z"))
        let request = APIRequest(method: "GET", target: "/v1/teams/\(world.team.id)/analytics?days=1", bearerToken: world.token(world.carol))
        let body = APITestWorld.json(APIRouter.handle(request, context: context))
        #expect(body["to"] as? String == "2026-11-21")
    }
}
