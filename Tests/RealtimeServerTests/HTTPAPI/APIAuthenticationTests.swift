import CoachingCore
import Persistence
import Foundation
import Testing
import WSProtocol

@testable import RealtimeServer

/// RFC 6750 bearer authentication on every endpoint: 401 with `WWW-Authenticate: Bearer`
/// for a missing, malformed, unknown or revoked token; both token scopes may use the API.
struct APIAuthenticationTests {
    struct Endpoint: Sendable, CustomTestStringConvertible {
        let method: String
        let target: String
        var testDescription: String { "\(method) \(target)" }
    }

    static let teamId = "7ea00000-0000-4000-8000-000000000007"
    static let endpoints: [Endpoint] = [
        Endpoint(method: "GET", target: "/v1/me"),
        Endpoint(method: "GET", target: "/v1/sessions"),
        Endpoint(method: "GET", target: "/v1/insights"),
        Endpoint(method: "GET", target: "/v1/teams/\(teamId)/analytics"),
        Endpoint(method: "GET", target: "/v1/leaderboards/day/flow_time"),
        Endpoint(method: "GET", target: "/v1/privacy/export"),
        Endpoint(method: "DELETE", target: "/v1/privacy/data"),
    ]

    static func owner() -> LeaderboardOwner {
        LeaderboardOwner(nowMs: { APITestWorld.nowMs }, sink: { _ in })
    }

    @Test("a request without a token gets 401 and a bare Bearer challenge", arguments: endpoints)
    func missingToken(endpoint: Endpoint) throws {
        let world = try APITestWorld()
        let response = world.call(endpoint.method, endpoint.target, token: nil, leaderboards: Self.owner())
        #expect(response.status == 401)
        #expect(response.reason == "Unauthorized")
        #expect(APITestWorld.error(response).code == "unauthorized")
        #expect(response.header("WWW-Authenticate") == #"Bearer realm="flowcoach""#)
        #expect(world.purges.userIds.isEmpty)
    }

    @Test("a malformed token gets 401 invalid_token", arguments: endpoints)
    func malformedToken(endpoint: Endpoint) throws {
        let world = try APITestWorld()
        for token in ["", "garbage", "Basic YWRhOnNlY3JldA==", "fc_r_short_secret", String(repeating: "x", count: 10_000)] {
            let response = world.call(endpoint.method, endpoint.target, token: token, leaderboards: Self.owner())
            #expect(response.status == 401, "token \(token.prefix(20))")
            let challenge = try #require(response.header("WWW-Authenticate"))
            #expect(challenge.hasPrefix("Bearer "))
            #expect(token.isEmpty || challenge.contains(#"error="invalid_token""#))
        }
        #expect(world.purges.userIds.isEmpty)
    }

    @Test("a well-formed token the store does not know gets 401 invalid_token", arguments: endpoints)
    func unknownToken(endpoint: Endpoint) throws {
        let world = try APITestWorld()
        let stranger = AccessToken.generate(scope: .read).text
        let response = world.call(endpoint.method, endpoint.target, token: stranger, leaderboards: Self.owner())
        #expect(response.status == 401)
        #expect(response.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
        // A known id with a wrong secret is no better.
        let known = world.token(world.ada)
        let forged = String(known.dropLast(4)) + (known.hasSuffix("AAAA") ? "BBBB" : "AAAA")
        #expect(world.call(endpoint.method, endpoint.target, token: forged, leaderboards: Self.owner()).status == 401)
    }

    @Test("a revoked token gets 401 and says it was revoked", arguments: endpoints)
    func revokedToken(endpoint: Endpoint) throws {
        let world = try APITestWorld()
        let response = world.call(endpoint.method, endpoint.target, token: world.revokedAdaToken, leaderboards: Self.owner())
        #expect(response.status == 401)
        #expect(APITestWorld.error(response).message.contains("revoked"))
        #expect(response.header("WWW-Authenticate")?.contains("token revoked") == true)
        #expect(world.purges.userIds.isEmpty)
    }

    @Test("read and ingest tokens are both accepted (the purge: ingest only)", arguments: endpoints, TokenScope.allCases)
    func bothScopes(endpoint: Endpoint, scope: TokenScope) throws {
        let world = try APITestWorld()
        let response = world.call(endpoint.method, endpoint.target, token: world.token(world.ada, scope), leaderboards: Self.owner())
        if endpoint.method == "DELETE" && scope == .read {
            // Erasing is destructive: a dashboard's read token may not do it.
            #expect(response.status == 403, "\(response.text)")
            #expect(world.purges.userIds.isEmpty)
            return
        }
        #expect(response.status == 200, "\(response.text)")
        #expect(response.contentType == "application/json; charset=utf-8")
        #expect(response.header("Cache-Control") == "no-store")
        #expect((try? JSONSerialization.jsonObject(with: Data(response.body))) is [String: Any])
    }

    @Test("another method on a known path is 405 with Allow, before authentication", arguments: endpoints)
    func wrongMethod(endpoint: Endpoint) throws {
        let world = try APITestWorld()
        for method in ["POST", "PUT", "PATCH", "get", endpoint.method == "GET" ? "DELETE" : "GET"] {
            let response = world.call(method, endpoint.target, token: nil)
            #expect(response.status == 405, "\(method)")
            #expect(response.header("Allow") == endpoint.method)
            #expect(APITestWorld.error(response).code == "method_not_allowed")
        }
        #expect(world.purges.userIds.isEmpty)
    }

    @Test("unknown paths are 404 with a JSON error")
    func unknownPaths() throws {
        let world = try APITestWorld()
        for target in [
            "/v1/", "/v1", "/v1/nothing", "/v1/me/", "/v1//me", "/v1/sessions/x", "/v2/me", "/v1/teams/x", "/v1/teams//analytics",
            "/v1/leaderboards/day", "/v1/leaderboards/year/flow_time", "/v1/leaderboards/day/lines", "/v1/privacy",
            "/v1/privacy/other", "me", "",
        ] {
            let response = world.call("GET", target, token: world.token(world.ada))
            #expect(response.status == 404, "\(target)")
            #expect(APITestWorld.error(response).code == "not_found")
        }
    }

    @Test("a request body is refused with 413 (no endpoint takes one)")
    func bodyRefused() throws {
        let world = try APITestWorld()
        let response = world.call("DELETE", "/v1/privacy/data", token: world.token(world.ada), body: [0x7B, 0x7D])
        #expect(response.status == 413)
        #expect(world.purges.userIds.isEmpty)
        #expect(try world.store.baseline(userId: world.ada.id) == nil)
    }

    @Test("APIRequest(head:) takes the bearer credentials from Authorization, scheme case-insensitive")
    func bearerFromHead() {
        func token(_ values: [String]) -> String? {
            let head = HTTPRequestHead(method: "GET", target: "/v1/me", headers: values.map { HTTPHeader(name: "authorization", value: $0) })
            return APIRequest(head: head).bearerToken
        }
        #expect(token([]) == nil)
        #expect(token(["Bearer fc_r_x"]) == "fc_r_x")
        #expect(token(["bEaReR   fc_r_x"]) == "fc_r_x")
        // Other schemes and repeated headers are kept so they fail as malformed, not missing.
        #expect(token(["Basic YWRh"]) == "Basic YWRh")
        #expect(token(["Bearer"]) == "Bearer")
        #expect(token(["Bearer a", "Bearer b"]) == "Bearer a,Bearer b")
        let head = HTTPRequestHead(method: "DELETE", target: "/v1/privacy/data?x=1", headers: [])
        let request = APIRequest(head: head)
        #expect(request.method == "DELETE" && request.target == "/v1/privacy/data?x=1" && request.body.isEmpty)
    }

    @Test("the router claims /v1/ paths except the WebSocket endpoint")
    func handlesPaths() {
        #expect(APIRouter.handles(path: "/v1/me"))
        #expect(APIRouter.handles(path: "/v1/anything"))
        #expect(!APIRouter.handles(path: "/v1/ws"))
        #expect(!APIRouter.handles(path: "/healthz"))
        #expect(!APIRouter.handles(path: "/v1"))
    }
}
