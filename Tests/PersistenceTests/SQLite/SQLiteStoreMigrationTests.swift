import Foundation
import CoachingCore
import Persistence
import PersistenceTestSupport
import Testing

struct SQLiteStoreMigrationTests {
    @Test("migrate on an empty database applies every version, and a second run applies none")
    func migrationsAreIdempotent() throws {
        let database = TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        let first = try store.migrate()
        #expect(first.fromVersion == 0)
        #expect(first.applied == [1, 2])
        #expect(first.toVersion == 2)
        let second = try store.migrate()
        #expect(second.applied.isEmpty)
        #expect(second.fromVersion == 2 && second.toVersion == 2)
    }

    @Test("a second process opening the same file sees the migrated schema and keeps the data")
    func reopenKeepsSchemaAndData() throws {
        let database = TemporaryDatabase()
        let user = PersistenceFixtures.user()
        do {
            let store = try database.store()
            try store.createUser(user)
        }
        let reopened = try SQLiteStore(path: database.path)
        #expect(try reopened.migrate().applied.isEmpty)
        #expect(try reopened.user(named: "ada") == user)
    }

    @Test("the store creates the database directory and uses WAL mode")
    func createsDirectoryAndWAL() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        try store.createUser(PersistenceFixtures.user())
        #expect(FileManager.default.fileExists(atPath: database.path))
        #expect(FileManager.default.fileExists(atPath: database.path + "-wal"))
    }

    @Test("a path that cannot be created is an openFailed error, not a crash")
    func unopenablePath() {
        #expect(throws: StoreError.self) { try SQLiteStore(path: "/proc/flowcoach/nope/db.sqlite") }
    }
}
