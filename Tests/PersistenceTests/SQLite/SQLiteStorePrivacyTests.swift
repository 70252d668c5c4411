import Foundation
import CoachingCore
import Persistence
import PersistenceTestSupport
import Testing

struct SQLiteStorePrivacyTests {
    /// A user with a row in every user table, plus a bystander who must be untouched.
    private func populated(_ store: SQLiteStore) throws -> (user: User, other: User, session: SessionCheckpoint) {
        let user = PersistenceFixtures.user("ada")
        let other = PersistenceFixtures.user("bob")
        try store.createUser(user)
        try store.createUser(other)
        let team = Team(id: UUID().uuidString.lowercased(), name: "core", createdAtMs: 1)
        try store.createTeam(team)
        for member in [user, other] {
            try store.setMembership(TeamMembership(teamId: team.id, userId: member.id, dataSharingConsent: true, joinedAtMs: 2))
            let token = AccessToken.generate(scope: .ingest)
            try store.createToken(TokenRecord(id: token.id, userId: member.id, scope: .ingest, secretHash: token.secretHash, createdAtMs: 3))
            try store.setPrivacySettings(PrivacySettings(leaderboardVisible: false), userId: member.id, atMs: 4)
            try HeartbeatFixtures.store(into: store, userId: member.id, atMs: 1_763_805_600_000)
            try store.setGoal(UserGoal(period: .day, metric: .flow, targetMs: 3_600_000), userId: member.id)
            _ = try store.claimGoalReached(userId: member.id, period: "2025-11-22", atMs: 6)
        }
        var session = PersistenceFixtures.checkpoint(user: user.id, seq: 7, periods: [PersistenceFixtures.period(11)])
        session.completedMarks = [SessionMarkRecord(kind: .interrupted, startMs: 20, endMs: 30)]
        var bystander = PersistenceFixtures.checkpoint(user: other.id, seq: 3, periods: [PersistenceFixtures.period(12)])
        bystander.completedMarks = [SessionMarkRecord(kind: .breakReminder, startMs: 40, endMs: 40)]
        try store.writeBatch(
            [session, bystander],
            baselines: [BaselineRecord(userId: user.id, updatedAtMs: 5, bytes: [9, 9]), BaselineRecord(userId: other.id, updatedAtMs: 5, bytes: [1])])
        return (user, other, session)
    }

    @Test("purge removes every row of the user in every table and nothing of anyone else")
    func purgeRemovesEverything() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let (user, other, _) = try populated(store)
        for (table, column) in SQLiteStore.userTables {
            #expect(try store.countRows(table: table, column: column, value: user.id) > 0, "no \(table) row before purge")
        }
        let summary = try store.purgeUser(id: user.id, deleteAccount: true)
        #expect(summary.rowsDeleted.count == SQLiteStore.userTables.count)
        for (table, column) in SQLiteStore.userTables {
            #expect(try store.countRows(table: table, column: column, value: user.id) == 0, "\(table) still has rows")
            #expect(try store.countRows(table: table, column: column, value: other.id) > 0, "\(table) lost the bystander")
        }
    }

    @Test("purge without deleting the account keeps the user and tokens, nothing else")
    func purgeKeepingAccount() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let (user, _, session) = try populated(store)
        try store.purgeUser(id: user.id, deleteAccount: false)
        #expect(try store.user(id: user.id) == user)
        #expect(try store.tokens(userId: user.id).count == 1)
        #expect(try store.session(id: session.sessionId) == nil)
        #expect(try store.baseline(userId: user.id) == nil)
        #expect(try store.privacySettings(userId: user.id) == .defaults)
    }

    @Test("export contains the user's account, settings, tokens without hashes, teams, sessions, days and baseline")
    func exportContainsEverything() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let (user, other, session) = try populated(store)
        let export = try #require(try store.exportUser(id: user.id))
        #expect(export.user == user)
        #expect(export.privacy == PrivacySettings(leaderboardVisible: false))
        #expect(export.tokens.count == 1)
        #expect(export.teams.map(\.userId) == [user.id])
        #expect(export.sessions.map(\.checkpoint.sessionId) == [session.sessionId])
        #expect(export.sessions.first?.flowPeriods == session.completedFlowPeriods)
        #expect(export.sessions.first?.marks == session.completedMarks)
        #expect(export.daily.map(\.day) == ["2025-11-22", "2026-11-22"])  // a heartbeat day, a session day
        #expect(export.baseline?.bytes == [9, 9])
        let json = String(decoding: try JSONEncoder().encode(export), as: UTF8.self)
        #expect(!json.contains(other.id))
        #expect(!json.contains("secretHash"))
        #expect(try store.exportUser(id: "nobody") == nil)
    }
}
