import Foundation
import CoachingCore
@testable import Persistence
import PersistenceTestSupport
import Testing

struct SQLiteStoreMigrationTests {
    @Test("migrate on an empty database applies every version, and a second run applies none")
    func migrationsAreIdempotent() throws {
        let database = TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        let first = try store.migrate()
        #expect(first.fromVersion == 0)
        let latest = SQLiteSchema.latestVersion
        #expect(first.applied == Array(1...latest))
        #expect(first.toVersion == latest)
        let second = try store.migrate()
        #expect(second.applied.isEmpty)
        #expect(second.fromVersion == latest && second.toVersion == latest)
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

    @Test("a store location opens FULL by default and NORMAL when asked (the reader's session claims)")
    func synchronousSetting() throws {
        let database = TemporaryDatabase()
        func synchronous(_ store: any Store) throws -> Int64? {
            let sqlite = try #require(store as? SQLiteStore)
            return try sqlite.connection.statement("PRAGMA synchronous").queryFirst { row throws(StoreError) in try row.integer(0) }
        }
        let location = StoreLocation.sqlite(path: database.path)
        #expect(try synchronous(location.open()) == 2)
        #expect(try synchronous(location.open(sqliteSynchronous: .normal)) == 1)
    }

    @Test("a path that cannot be created is an openFailed error, not a crash")
    func unopenablePath() {
        #expect(throws: StoreError.self) { try SQLiteStore(path: "/proc/flowcoach/nope/db.sqlite") }
    }

    @Test("language maps stored by earlier builds (name=ms text) still read back, and the next checkpoint rewrites them as JSON")
    func legacyLanguageRows() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let checkpoint = PersistenceFixtures.checkpoint(user: user.id, seq: 1, languages: ["c": 1_500, "swift": 4_500])
        try store.writeBatch([checkpoint])
        try store.connection.execute("UPDATE session_days SET languages = 'c=1500;swift=4500'")
        #expect(try store.session(id: checkpoint.sessionId)?.checkpoint.days.first?.languageMs == ["c": 1_500, "swift": 4_500])
        #expect(try store.dailyAggregates(fromDay: "", userId: user.id).first?.languageMs == ["c": 1_500, "swift": 4_500])
        var next = checkpoint
        next.seq = 2
        try store.writeBatch([next])
        let stored = try store.connection.statement("SELECT languages FROM session_days").queryFirst { row throws(StoreError) in
            try row.text(0)
        }
        #expect(stored == #"{"c":1500,"swift":4500}"#)
    }
}
