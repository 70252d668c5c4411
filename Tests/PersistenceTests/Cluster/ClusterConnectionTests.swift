import Foundation
import Testing

import CoachingCore
@testable import Persistence

extension PostgreSQLServerTests {
    /// The cluster session against a real PostgreSQL: one owner per user, locks gone with
    /// the session, notices between nodes, and the triggers that announce every committed
    /// change whoever wrote it.
    @Suite struct ClusterConnectionTests {
        private func open(_ database: PostgresTestDatabase) throws -> ClusterConnection {
            let connection = try ClusterConnection(url: database.url, timeoutMs: 5_000)
            try connection.open()
            return connection
        }

        /// Notices `connection` hears within 5 s, until `done` says enough.
        private func hear(_ connection: ClusterConnection, until done: ([ClusterNotice]) -> Bool) throws -> [ClusterNotice] {
            var heard: [ClusterNotice] = []
            let deadline = Date().addingTimeInterval(5)
            while !done(heard) && Date() < deadline { heard += try connection.receive(timeoutMs: 50) }
            return heard
        }

        @Test("a user's lock has one holder; it is free again once the holder's session ends")
        func oneOwnerPerUser() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            _ = try database.store()
            let first = try open(database), second = try open(database)
            #expect(try first.tryLock(userId: "ada"))
            #expect(try first.tryLock(userId: "ada"))  // stacks on the holder
            #expect(try !second.tryLock(userId: "ada"))
            #expect(try second.tryLock(userId: "bob"))
            first.close()  // as if the node died: the server drops its session's locks
            // The server releases them when its backend for that session exits, a moment
            // after the socket closes: wait for it, bounded.
            let deadline = Date().addingTimeInterval(10)
            var taken = try second.tryLock(userId: "ada")
            while !taken && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
                taken = try second.tryLock(userId: "ada")
            }
            #expect(taken)
            #expect(throws: ClusterConnectionError.self) { try first.tryLock(userId: "carol") }  // no silent new session
        }

        @Test("an unlocked user can be taken by another node")
        func unlockHandsOver() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            _ = try database.store()
            let first = try open(database), second = try open(database)
            #expect(try first.tryLock(userId: "ada"))
            try first.unlock(userId: "ada")
            #expect(try second.tryLock(userId: "ada"))
        }

        @Test("a notice sent by one node is heard by the others")
        func noticesReachOtherNodes() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            _ = try database.store()
            let first = try open(database), second = try open(database)
            try first.notify(.releaseRequested(userId: "ada", byNode: "node-1"))
            let heard = try hear(second) { !$0.isEmpty }
            #expect(heard == [.releaseRequested(userId: "ada", byNode: "node-1")])
        }

        @Test("committed checkpoints, privacy changes, revocations and purges are announced by the database")
        func triggersAnnounceChanges() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            let store = try database.store()
            let listener = try open(database)
            let user = PersistenceFixtures.user("ada")
            try store.createUser(user)
            try store.createToken(TokenRecord(id: "tok1", userId: user.id, scope: .ingest, secretHash: Array(repeating: 7, count: 32), createdAtMs: 1))
            let session = UUID().uuidString.lowercased()
            _ = try store.writeBatch([PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 1)], baselines: [])
            #expect(try hear(listener) { $0.contains(.scoresChanged(userId: user.id)) }.contains(.scoresChanged(userId: user.id)))
            // The next checkpoint updates the day row instead of inserting it: announced too.
            _ = try store.writeBatch([PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 2)], baselines: [])
            #expect(try hear(listener) { $0.contains(.scoresChanged(userId: user.id)) }.contains(.scoresChanged(userId: user.id)))
            try store.setPrivacySettings(PrivacySettings(leaderboardVisible: false), userId: user.id, atMs: 2)
            #expect(try hear(listener) { $0.contains(.privacyChanged(userId: user.id)) }.contains(.privacyChanged(userId: user.id)))
            #expect(try store.revokeToken(id: "tok1", atMs: 3))
            #expect(try hear(listener) { $0.contains(.tokenRevoked(tokenId: "tok1")) }.contains(.tokenRevoked(tokenId: "tok1")))
            _ = try store.purgeUser(id: user.id, deleteAccount: false)
            #expect(try hear(listener) { $0.contains(.userPurged(userId: user.id)) }.contains(.userPurged(userId: user.id)))
            // A purge that finds nothing left stays quiet (no echo between nodes).
            _ = try store.purgeUser(id: user.id, deleteAccount: false)
            #expect(try hear(listener) { _ in false }.filter { $0 == .userPurged(userId: user.id) }.isEmpty)
        }

        @Test("a batch announces every user whose days it changed, each once")
        func batchAnnouncesEachUserOnce() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            let store = try database.store()
            let listener = try open(database)
            let users = [PersistenceFixtures.user("ada"), PersistenceFixtures.user("bob"), PersistenceFixtures.user("carol")]
            for user in users { try store.createUser(user) }
            // Two sessions of ada and one of bob; carol writes nothing.
            let sessions = [(users[0].id, UUID().uuidString.lowercased()), (users[0].id, UUID().uuidString.lowercased()),
                            (users[1].id, UUID().uuidString.lowercased())]
            let expected: [ClusterNotice] = [.scoresChanged(userId: users[0].id), .scoresChanged(userId: users[1].id)]
            for seq: Int64 in [1, 2] {  // inserted day rows, then updated ones
                let batch = sessions.map { PersistenceFixtures.checkpoint(session: $1, user: $0, seq: seq) }
                _ = try store.writeBatch(batch, baselines: [])
                let heard = try hear(listener) { heard in expected.allSatisfy(heard.contains) }
                #expect(Set(heard) == Set(expected))
                #expect(heard.count == expected.count)
            }
        }

        @Test("nodes register and count each other by heartbeat")
        func registry() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            _ = try database.store()
            let first = try open(database), second = try open(database)
            try first.register(node: ClusterNodeRecord(id: "node-1", address: "127.0.0.1:1", startedAtMs: 1_000))
            try second.register(node: ClusterNodeRecord(id: "node-2", address: "127.0.0.1:2", startedAtMs: 2_000))
            #expect(try first.heartbeat(nodeId: "node-1", liveWithinMs: 10_000) == 2)
            #expect(try first.nodes().map(\.id) == ["node-1", "node-2"])
            try second.deregister(nodeId: "node-2")
            #expect(try first.heartbeat(nodeId: "node-1", liveWithinMs: 10_000) == 1)
        }
    }
}
