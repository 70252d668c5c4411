import Persistence
import CoachingCore
import Testing

@testable import RealtimeServer

/// Strict query parsing: each bad parameter is a 400 `invalid_field` whose message starts
/// with the parameter's name, and nothing happens.
struct APIQueryTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let method: String
        let target: String
        /// The parameter the message must name.
        let field: String
        var testDescription: String { "\(method) \(target)" }
        init(_ target: String, _ field: String, method: String = "GET") {
            self.method = method
            self.target = target
            self.field = field
        }
    }

    static let team = "7ea00000-0000-4000-8000-000000000007"
    static let badQueries: [Case] = [
        Case("/v1/sessions?from=2026-13-01", "from"),
        Case("/v1/sessions?from=2026-02-29", "from"),  // 2026 is not a leap year
        Case("/v1/sessions?from=2026-11-1", "from"),
        Case("/v1/sessions?from=26-11-01", "from"),
        Case("/v1/sessions?from=2026-11-01T00:00", "from"),
        Case("/v1/sessions?from=%2B026-11-01", "from"),
        Case("/v1/sessions?to=yesterday", "to"),
        Case("/v1/sessions?from=2026-11-20&to=2026-11-19", "to"),
        Case("/v1/sessions?limit=0", "limit"),
        Case("/v1/sessions?limit=201", "limit"),
        Case("/v1/sessions?limit=-1", "limit"),
        Case("/v1/sessions?limit=%2B5", "limit"),
        Case("/v1/sessions?limit=1e3", "limit"),
        Case("/v1/sessions?limit=99999999999999999999999", "limit"),
        Case("/v1/sessions?limit=", "limit"),
        Case("/v1/sessions?limit", "limit"),
        Case("/v1/sessions?limit=1&limit=2", "limit"),
        Case("/v1/sessions?before=not-a-cursor!", "before"),
        Case("/v1/sessions?before=aGVsbG8", "before"),  // base64url of "hello"
        Case("/v1/sessions?before=MTIzOg", "before"),   // "123:" (no id)
        Case("/v1/sessions?from=%ZZ", "from"),
        Case("/v1/sessions?from=%0A2026-11-01", "from"),
        Case("/v1/sessions?from=%", "from"),
        Case("/v1/sessions?page=2", "page"),
        Case("/v1/sessions?limit=5&&to=2026-11-01", "query"),
        Case("/v1/sessions?=5", "query"),
        Case("/v1/insights?days=0", "days"),
        Case("/v1/insights?days=367", "days"),
        Case("/v1/insights?days=seven", "days"),
        Case("/v1/insights?from=2026-11-01", "from"),
        Case("/v1/teams/\(team)/analytics?days=0", "days"),
        Case("/v1/teams/\(team)/analytics?limit=3", "limit"),
        Case("/v1/leaderboards/day/flow_time?language=", "language"),
        Case("/v1/leaderboards/day/flow_time?language=%27%3B%20--", "language"),
        Case("/v1/leaderboards/day/flow_time?language=\(String(repeating: "a", count: 33))", "language"),
        Case("/v1/leaderboards/week/coding_time?lang=swift", "lang"),
        Case("/v1/me?verbose=1", "verbose"),
        Case("/v1/privacy/export?format=csv", "format"),
        Case("/v1/privacy/data?confirm=yes", "confirm", method: "DELETE"),
    ]

    @Test("a bad parameter is 400 invalid_field naming it, and changes nothing", arguments: badQueries)
    func badParameter(_ badCase: Case) throws {
        let world = try APITestWorld()
        try world.session(world.ada, start: "2026-11-21T09:00:00Z", day: "2026-11-21")
        let owner = LeaderboardOwner(nowMs: { APITestWorld.nowMs }, sink: { _ in })
        let response = world.call(badCase.method, badCase.target, token: world.token(world.ada), leaderboards: owner)
        #expect(response.status == 400, "\(response.text)")
        #expect(response.reason == "Bad Request")
        let error = APITestWorld.error(response)
        #expect(error.code == "invalid_field")
        #expect(error.message.hasPrefix(badCase.field + ": "), "\(error.message)")
        #expect(world.purges.userIds.isEmpty)
        #expect(try world.store.sessions(userId: world.ada.id, fromMs: .min, toMs: .max, limit: 10).count == 1)
    }

    @Test("an unauthenticated request with a bad query is 401, not 400 (the token is checked first)")
    func authenticationBeforeQuery() throws {
        let world = try APITestWorld()
        #expect(world.call("GET", "/v1/sessions?limit=0", token: nil).status == 401)
    }

    @Test("percent-encoded values decode, and '+' stays a plus")
    func decoding() throws {
        #expect(PercentDecoding.decode("2026%2D11%2d01") == "2026-11-01")
        #expect(PercentDecoding.decode("c++") == "c++")
        #expect(PercentDecoding.decode("c%2B%2B") == "c++")
        #expect(PercentDecoding.decode("%C3%A9t%C3%A9") == "été")
        #expect(PercentDecoding.decode("%C3") == nil)        // truncated UTF-8
        #expect(PercentDecoding.decode("%FF%FE") == nil)     // not UTF-8
        #expect(PercentDecoding.decode("%4") == nil)
        #expect(PercentDecoding.decode("%00") == nil)
        #expect(PercentDecoding.decode("a%7Fb") == nil)
        let query = try APIQuery(parsing: "from=2026%2D11%2D01&limit=007", allowed: ["from", "limit"])
        #expect(try query.day("from") == LocalDay(year: 2026, month: 11, day: 1))
        #expect(try query.integer("limit", in: 1...200) == 7)
        #expect(try query.day("to") == nil)
        #expect(try APIQuery(parsing: nil, allowed: []).string("x") == nil)
        #expect(try APIQuery(parsing: "", allowed: []).string("x") == nil)
    }
}
