import Foundation
import CoachingCore
import Persistence
import PersistenceTestSupport
import Testing

struct SQLiteStoreAccountsTests {
    @Test("users are unique by name and list by name")
    func usersUniqueByName() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        try store.createUser(PersistenceFixtures.user("zoe"))
        try store.createUser(PersistenceFixtures.user("ada"))
        #expect(throws: StoreError.duplicate(what: "user 'ada'")) { try store.createUser(PersistenceFixtures.user("ada")) }
        #expect(try store.users().map(\.name) == ["ada", "zoe"])
    }

    @Test("a token is created, found by id and hash, and revoked once")
    func tokenLifecycle() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let token = AccessToken.generate(scope: .ingest)
        let record = TokenRecord(id: token.id, userId: user.id, scope: .ingest, secretHash: token.secretHash, createdAtMs: 5)
        try store.createToken(record)

        #expect(try store.token(id: token.id) == record)
        #expect(try store.token(secretHash: token.secretHash) == record)
        guard case .valid(let found, let owner) = try TokenAuthenticator.verify(token.text, in: store) else {
            Issue.record("token did not verify")
            return
        }
        #expect(found == record && owner == user)

        #expect(try store.revokeToken(id: token.id, atMs: 9))
        #expect(try !store.revokeToken(id: token.id, atMs: 10))
        #expect(try TokenAuthenticator.verify(token.text, in: store) == .revoked)
        #expect(try store.tokens(userId: user.id).first?.revokedAtMs == 9)
    }

    @Test("a token with a wrong secret, scope or shape does not verify")
    func tokenMismatch() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let token = AccessToken.generate(scope: .read)
        try store.createToken(TokenRecord(id: token.id, userId: user.id, scope: .read, secretHash: token.secretHash, createdAtMs: 1))
        let wrongSecret = "fc_r_\(token.id)_" + String(repeating: "A", count: AccessToken.secretLength)
        #expect(try TokenAuthenticator.verify(wrongSecret, in: store) == .unknown)
        let wrongScope = "fc_i_\(token.id)_\(token.secret)"
        #expect(try TokenAuthenticator.verify(wrongScope, in: store) == .unknown)
        #expect(try TokenAuthenticator.verify("Bearer nonsense", in: store) == .malformed)
    }

    @Test("only the hash is stored: the secret never appears in the database files")
    func secretNeverStored() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let token = AccessToken.generate(scope: .ingest)
        try store.createToken(TokenRecord(id: token.id, userId: user.id, scope: .ingest, secretHash: token.secretHash, createdAtMs: 1))
        let bytes = try database.fileBytes()
        #expect(bytes.range(of: Data(token.secret.utf8)) == nil)
        #expect(bytes.range(of: Data(token.text.utf8)) == nil)
        #expect(bytes.range(of: Data(token.secretHash)) != nil)  // the check itself can see stored bytes
    }

    @Test("team membership keeps consent and can be updated and removed")
    func teamMembership() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let team = Team(id: UUID().uuidString.lowercased(), name: "core", createdAtMs: 1)
        try store.createTeam(team)
        #expect(throws: StoreError.self) { try store.createTeam(Team(id: "other", name: "core", createdAtMs: 2)) }
        try store.setMembership(TeamMembership(teamId: team.id, userId: user.id, dataSharingConsent: false, joinedAtMs: 3))
        try store.setMembership(TeamMembership(teamId: team.id, userId: user.id, dataSharingConsent: true, joinedAtMs: 4))
        #expect(try store.memberships(teamId: team.id) == [TeamMembership(teamId: team.id, userId: user.id, dataSharingConsent: true, joinedAtMs: 3)])
        #expect(try store.memberships(userId: user.id).count == 1)
        #expect(throws: StoreError.notFound(what: "user nobody")) {
            try store.setMembership(TeamMembership(teamId: team.id, userId: "nobody", dataSharingConsent: true, joinedAtMs: 5))
        }
        #expect(try store.removeMembership(teamId: team.id, userId: user.id))
        #expect(try !store.removeMembership(teamId: team.id, userId: user.id))
    }

    @Test("privacy settings default until set, then read back")
    func privacySettings() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        #expect(try store.privacySettings(userId: user.id) == .defaults)
        let hidden = PrivacySettings(leaderboardVisible: false, shareProjectNames: true)
        try store.setPrivacySettings(hidden, userId: user.id, atMs: 1)
        #expect(try store.privacySettings(userId: user.id) == hidden)
        #expect(try store.allPrivacySettings() == [user.id: hidden])
    }

    static let hostile = [
        "x'); DROP TABLE users;--", "\"; DELETE FROM tokens; --", "' OR '1'='1", "Robert'); DROP TABLE coding_sessions;--",
        "\u{0}nul", "名前 ✓", "%_\\", String(repeating: "'", count: 300),
    ]

    @Test("SQL injection strings in every string field stay data", arguments: hostile)
    func injectionStaysData(_ evil: String) throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = User(id: evil + "-id", name: evil, displayName: evil, timeZone: evil, createdAtMs: 1)
        try store.createUser(user)
        #expect(try store.user(named: evil) == user)
        let team = Team(id: evil + "-team", name: evil, createdAtMs: 1)
        try store.createTeam(team)
        try store.setMembership(TeamMembership(teamId: team.id, userId: user.id, dataSharingConsent: true, joinedAtMs: 1))
        let token = AccessToken.generate(scope: .ingest)
        try store.createToken(TokenRecord(id: evil + "-token", userId: user.id, scope: .ingest, secretHash: token.secretHash, createdAtMs: 1))
        let checkpoint = PersistenceFixtures.checkpoint(session: evil + "-session", user: user.id, seq: 1, day: evil, languages: [evil: 7], project: evil)
        #expect(try store.writeBatch([checkpoint]).stored == 1)

        let stored = try #require(try store.session(id: checkpoint.sessionId))
        #expect(stored.checkpoint.project == evil && stored.checkpoint.languageMs == [evil: 7] && stored.checkpoint.days.first?.day == evil)
        #expect(try store.team(named: evil) == team)
        #expect(try store.token(id: evil + "-token")?.userId == user.id)
        #expect(try store.users().count == 1)
        #expect(try store.revokeToken(id: "' OR 1=1 --", atMs: 2) == false)
        #expect(try store.token(id: evil + "-token")?.isRevoked == false)
        #expect(try store.purgeUser(id: "' OR '1'='1", deleteAccount: true).total == 0)
        #expect(try store.user(id: user.id) == user)
    }
}

struct AccountBootstrapTests {
    @Test("an empty store gets one local user with a working ingest token; a populated one gets nothing")
    func firstAccount() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let first = try #require(try AccountBootstrap.createFirstAccountIfEmpty(in: store, id: "u-1", nowMs: 1))
        #expect(first.user.name == "local" && first.token.scope == .ingest)
        #expect(try TokenAuthenticator.verify(first.token.text, in: store) == .valid(
            TokenRecord(id: first.token.id, userId: "u-1", scope: .ingest, secretHash: first.token.secretHash, createdAtMs: 1), first.user))
        #expect(try AccountBootstrap.createFirstAccountIfEmpty(in: store, id: "u-2", nowMs: 2) == nil)
        #expect(try store.users().count == 1)
    }
}
