import Foundation
import Testing

import CoachingCore
@testable import Persistence

extension PostgreSQLServerTests {
    /// Every string a client or an admin can choose reaches PostgreSQL as a bound parameter
    /// (or an element of a bound array), never as SQL text.
    @Suite struct PostgresInjectionTests {
        static let hostile = [
            "x'); DROP TABLE users;--", "\"; DELETE FROM tokens; --", "' OR '1'='1", "Robert'); DROP TABLE coding_sessions;--",
            "名前 ✓", "%_\\", String(repeating: "'", count: 300), "{\"a\",NULL}", "\\x00ff", "$1, $2); --", "a\"b\\\"c}{,",
            "\\\", NULL, \"", "line\nbreak\ttab\u{1}",
        ]

        @Test("SQL injection strings in every string field stay data", arguments: hostile)
        func injectionStaysData(_ evil: String) throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            let store = try database.store()
            let user = User(id: UUID().uuidString.lowercased(), name: evil, displayName: evil, timeZone: evil, createdAtMs: 1)
            try store.createUser(user)
            #expect(try store.user(named: evil) == user)
            let team = Team(id: UUID().uuidString.lowercased(), name: evil, createdAtMs: 1)
            try store.createTeam(team)
            try store.setMembership(TeamMembership(teamId: team.id, userId: user.id, dataSharingConsent: true, joinedAtMs: 1))
            let token = AccessToken.generate(scope: .ingest)
            try store.createToken(TokenRecord(id: evil + "-token", userId: user.id, scope: .ingest, secretHash: token.secretHash, createdAtMs: 1))
            let checkpoint = PersistenceFixtures.checkpoint(user: user.id, seq: 1, languages: [evil: 7, "swift": 3], project: evil)
            #expect(try store.writeBatch([checkpoint]).stored == 1)

            let stored = try #require(try store.session(id: checkpoint.sessionId))
            #expect(stored.checkpoint.project == evil && stored.checkpoint.languageMs == [evil: 7, "swift": 3])
            #expect(try store.dailyAggregates(fromDay: "", userId: user.id).first?.languageMs == [evil: 7, "swift": 3])
            #expect(try store.team(named: evil) == team)
            #expect(try store.token(id: evil + "-token")?.userId == user.id)
            #expect(try store.users() == [user])
            #expect(try store.revokeToken(id: "' OR 1=1 --", atMs: 2) == false)
            #expect(try store.token(id: evil + "-token")?.isRevoked == false)
            #expect(try store.purgeUser(id: "' OR '1'='1", deleteAccount: true).total == 0)
            #expect(try store.user(named: "' OR 'x'='x") == nil || evil == "' OR 'x'='x")
            #expect(try store.exportUser(id: user.id)?.sessions.first?.checkpoint.project == evil)
        }

        @Test("a day that is not a date and a NUL character are refused as invalid values, and nothing is written")
        func unstorableStrings() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            let store = try database.store()
            let user = PersistenceFixtures.user()
            try store.createUser(user)
            let badDay = PersistenceFixtures.checkpoint(user: user.id, seq: 1, day: "2026-11-22'; DROP TABLE session_days;--")
            #expect(throws: StoreError.self) { try store.writeBatch([badDay]) }
            for text in ["nul\u{0}byte"] {
                do {
                    try store.writeBatch([PersistenceFixtures.checkpoint(user: user.id, seq: 1, project: text)])
                    Issue.record("a NUL character was accepted")
                } catch {
                    guard case .invalidValue = error else {
                        Issue.record("unexpected error \(error)")
                        continue
                    }
                    #expect(!error.isTransient)
                }
                #expect(throws: StoreError.self) { try store.createUser(PersistenceFixtures.user(text)) }
            }
            #expect(try store.countRows(table: "coding_sessions", column: "user_id", value: user.id) == 0)
            #expect(try store.countRows(table: "session_days", column: "user_id", value: user.id) == 0)
            #expect(try store.users() == [user])
            // The connection is still usable after the refusals.
            #expect(try store.writeBatch([PersistenceFixtures.checkpoint(user: user.id, seq: 2)]).stored == 1)
        }
    }
}
