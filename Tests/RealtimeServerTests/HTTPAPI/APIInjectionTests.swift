import CoachingCore
import Persistence
import Foundation
import Testing

@testable import RealtimeServer

/// SQL-looking input through every string the API takes (path, query, token, cursor) and
/// through stored strings the API returns: it is refused or treated as data, the schema
/// and every row survive, and stored strings come back verbatim.
struct APIInjectionTests {
    static let attacks = [
        "' OR '1'='1", "'; DROP TABLE coding_sessions; --", "\" OR 1=1 --", "1; DELETE FROM users", "%' --",
        "') UNION SELECT secret_hash FROM tokens --", "x\u{0}y",
    ]

    private func percentEncoded(_ text: String) -> String {
        text.utf8.map { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                String(UnicodeScalar(byte))
            default:
                String(format: "%%%02X", byte)
            }
        }.joined()
    }

    /// Row counts of every user table for each user, plus the teams.
    private func census(_ world: APITestWorld) throws -> [String] {
        var rows: [String] = []
        for user in [world.ada, world.bob, world.carol, world.eve] {
            for (table, column) in SQLiteStore.userTables {
                rows.append("\(user.name).\(table)=\(try world.store.countRows(table: table, column: column, value: user.id))")
            }
        }
        rows.append("teams=\(try world.store.teams().count)")
        return rows
    }

    @Test("injection strings in paths, queries, tokens and cursors are refused and change nothing")
    func refusedInput() throws {
        let world = try APITestWorld()
        try world.session(world.ada, start: "2026-11-21T08:00:00Z", day: "2026-11-21")
        try world.session(world.bob, start: "2026-11-21T08:00:00Z", day: "2026-11-21")
        let owner = LeaderboardOwner(nowMs: { APITestWorld.nowMs }, sink: { _ in })
        let before = try census(world)
        let token = world.token(world.ada)
        for attack in Self.attacks {
            let encoded = percentEncoded(attack)
            let cases: [(String, String, String?, Int)] = [
                ("GET", "/v1/teams/\(encoded)/analytics", token, 403),
                ("GET", "/v1/sessions?from=\(encoded)", token, 400),
                ("GET", "/v1/sessions?limit=\(encoded)", token, 400),
                ("GET", "/v1/sessions?before=\(encoded)", token, 400),
                ("GET", "/v1/insights?days=\(encoded)", token, 400),
                ("GET", "/v1/leaderboards/day/flow_time?language=\(encoded)", token, 400),
                ("GET", "/v1/leaderboards/\(encoded)/flow_time", token, 404),
                ("GET", "/v1/sessions?\(encoded)=1", token, 400),
                ("GET", "/v1/me", attack, 401),
                ("GET", "/v1/me", "fc_r_\(attack)_\(String(repeating: "a", count: 40))", 401),
                ("DELETE", "/v1/privacy/data", attack, 401),
            ]
            for (method, target, credentials, status) in cases {
                let response = world.call(method, target, token: credentials, leaderboards: owner)
                // A NUL cannot be decoded at all, so the team path with it is not found.
                let expected = attack.contains("\u{0}") && target.hasPrefix("/v1/teams/") ? 404 : status
                #expect(response.status == expected, "\(method) \(target)")
                #expect((try? JSONSerialization.jsonObject(with: Data(response.body))) is [String: Any])
            }
        }
        #expect(try census(world) == before)
        #expect(world.purges.userIds.isEmpty)
    }

    @Test("a cursor carrying SQL is only compared, never executed")
    func cursorIsData() throws {
        let world = try APITestWorld()
        let session = try world.session(world.ada, start: "2026-11-21T08:00:00Z", day: "2026-11-21")
        let before = try census(world)
        let cursor = SessionCursor(startedAtMs: session.startedAtMs + 1, sessionId: "'OR'1'='1';DROP--").text
        let response = world.get("/v1/sessions?before=\(cursor)", as: world.ada)
        #expect(response.status == 200)
        #expect((APITestWorld.json(response)["sessions"] as? [[String: Any]])?.map { $0["id"] as? String } == [session.sessionId])
        #expect(try census(world) == before)
    }

    @Test("stored strings that look like SQL or JSON come back verbatim")
    func storedStringsStayData() throws {
        let world = try APITestWorld()
        let name = "Robert'); DROP TABLE users;--"
        let project = "\"quoted\"\n'; DELETE FROM coding_sessions; --\\ \u{1F600}"
        let odd = User(id: "0dd00000-0000-4000-8000-000000000011", name: name, displayName: "Bobby \"Tables\"", timeZone: "UTC", createdAtMs: 1)
        try world.store.createUser(odd)
        let token = AccessToken.generate(scope: .ingest)
        try world.store.createToken(TokenRecord(id: token.id, userId: odd.id, scope: .ingest, secretHash: token.secretHash, createdAtMs: 1))
        let session = try world.session(odd, start: "2026-11-21T08:00:00Z", day: "2026-11-21", project: project)
        let me = APITestWorld.json(world.call("GET", "/v1/me", token: token.text))
        #expect((me["user"] as? [String: Any])?["name"] as? String == name)
        #expect((me["user"] as? [String: Any])?["display_name"] as? String == "Bobby \"Tables\"")
        let history = APITestWorld.json(world.call("GET", "/v1/sessions", token: token.text))
        let sessions = try #require(history["sessions"] as? [[String: Any]])
        #expect(sessions.first?["id"] as? String == session.sessionId)
        #expect(sessions.first?["project"] as? String == project)
        #expect(try world.store.users().count == 5)
        #expect(try world.store.session(id: session.sessionId) != nil)
    }
}
