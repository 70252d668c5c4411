import Foundation
import Synchronization
import Testing

import CoachingCore
@testable import Persistence

extension PostgreSQLServerTests {
    @Suite struct PostgresMigrationTests {
        @Test("migrate on an empty database applies every version, and a second run applies none")
        func migrationsAreIdempotent() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            let store = try PostgresStore(url: database.url)
            let first = try store.migrate()
            #expect(first.fromVersion == 0 && first.applied == [1, 2, 3, 4] && first.toVersion == 4)
            let second = try store.migrate()
            #expect(second.applied.isEmpty && second.fromVersion == 4 && second.toVersion == 4)
            #expect(try PostgresStore(url: database.url).migrate().applied.isEmpty)
        }

        @Test("nodes migrating at once: the advisory lock lets exactly one apply each version")
        func concurrentMigrations() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            let stores = try (0..<4).map { _ in try PostgresStore(url: database.url) }
            let reports = Mutex<[MigrationReport]>([])
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: stores.count) { index in
                do {
                    let report = try stores[index].migrate()
                    reports.withLock { $0.append(report) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [])
            let all = reports.withLock { $0 }
            #expect(all.count == 4)
            #expect(all.flatMap(\.applied).sorted() == Array(1...PostgresSchema.latestVersion))
            #expect(all.allSatisfy { $0.toVersion == PostgresSchema.latestVersion })
            // The schema is whole: a batch goes through.
            let user = PersistenceFixtures.user()
            try stores[0].createUser(user)
            #expect(try stores[1].writeBatch([PersistenceFixtures.checkpoint(user: user.id, seq: 1)]).stored == 1)
        }

        @Test("a database migrated by a newer build is refused with schemaTooNew")
        func schemaTooNew() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            _ = try database.store()
            try database.execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'future')")
            #expect(throws: StoreError.schemaTooNew(found: 99, known: PostgresSchema.latestVersion)) { try PostgresStore(url: database.url).migrate() }
        }

        @Test("the schema uses PostgreSQL's types: uuid keys, timestamptz instants, date days, jsonb languages")
        func nativeTypes() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            let store = try database.store()
            let result = try store.connection.query("""
                SELECT table_name || '.' || column_name || ':' || data_type FROM information_schema.columns
                WHERE table_schema = current_schema() AND column_name IN ('id', 'user_id', 'session_id', 'started_at', 'day', 'languages', 'baseline')
                ORDER BY 1
                """)
            let columns = Set(try (0..<result.rowCount).map { row throws(StoreError) in try result.text(row, 0) })
            #expect(columns.contains("users.id:uuid"))
            #expect(columns.contains("coding_sessions.session_id:uuid"))
            #expect(columns.contains("coding_sessions.started_at:timestamp with time zone"))
            #expect(columns.contains("session_days.day:date"))
            #expect(columns.contains("session_days.languages:jsonb"))
            #expect(columns.contains("user_baselines.baseline:bytea"))
            let indexes = try store.connection.query("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1")
            let names = Set(try (0..<indexes.rowCount).map { row throws(StoreError) in try indexes.text(row, 0) })
            #expect(names.isSuperset(of: ["coding_sessions_user_started", "session_days_user_day", "flow_states_user", "tokens_user"]))
        }
    }
}
