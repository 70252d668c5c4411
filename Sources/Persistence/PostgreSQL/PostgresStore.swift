public import CoachingCore

/// The production `Store`: PostgreSQL through libpq. Same contract as
/// `SQLiteStore` (see `Store`): `writeBatch` is one transaction of multi-row upserts under
/// the seq guard (`SeqGuardSQL`), flow periods are idempotent by (session, start), baselines keep the newest.
///
/// Durability: `durable` means "after the statement's COMMIT result arrived"; with the
/// server's default `synchronous_commit = on` the WAL is flushed by then (docs/STORAGE.md).
///
/// Connection failures (refused, reset, the server restarting, no answer within
/// `timeoutMs`) are `StoreError.unavailable`, which is transient: the writer keeps the batch
/// and retries with backoff, and the call after a broken connection connects again.
///
/// Threading: see `Store`. One connection, used by one thread at a time.
public final class PostgresStore: Store, @unchecked Sendable {
    // @unchecked Sendable: owned by exactly one thread at a time, the PersistenceWriter's
    // (or the StoreReader's, or the admin CLI's main thread); `Sendable` only permits the
    // hand-over.

    let connection: PGConnection
    /// Batches sent in pipeline mode, oldest first, with what their normalization already
    /// counted (`PipelinedStore`); unsent entries were empty after it and need no answer.
    var pipelined: [(summary: BatchSummary, sent: Bool)] = []

    /// Connects to the database named by `url` (`postgres://user:pass@host:5432/db?…` or a
    /// libpq `key=value` string). Call `migrate()` before anything else.
    ///
    /// - Parameter timeoutMs: the longest one connect or one statement may take before the
    ///   connection is considered broken (a transient error).
    public init(url: String, timeoutMs: Int = 30_000) throws(StoreError) {
        connection = try PGConnection(conninfo: url, timeoutMs: timeoutMs)
        do {
            try connection.connectIfNeeded()
        } catch .unavailable(_, let message) {
            throw .openFailed(path: connection.redactedConninfo, message: message)
        } catch {
            throw .openFailed(path: connection.redactedConninfo, message: error.description)
        }
    }

    /// The connection string with any password masked (for logs).
    public var redactedURL: String { connection.redactedConninfo }

    // MARK: Schema

    @discardableResult
    public func migrate() throws(StoreError) -> MigrationReport {
        // Session-level advisory lock: nodes starting at once migrate one after the other;
        // the later ones find nothing left to do. The lock dies with the session if the
        // connection breaks midway (each migration is its own transaction).
        try connection.query("SELECT pg_advisory_lock($1)", [.integer(PostgresSchema.migrationLockKey)])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [.integer(PostgresSchema.migrationLockKey)]) }
        try connection.execute(PostgresSchema.migrationsTable)
        let from = try currentVersion()
        guard from <= PostgresSchema.latestVersion else {
            throw .schemaTooNew(found: from, known: PostgresSchema.latestVersion)
        }
        var applied: [Int] = []
        for migration in PostgresSchema.migrations where migration.version > from {
            try connection.transaction { () throws(StoreError) in
                try connection.execute(migration.sql)
                try connection.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
                    .integer(Int64(migration.version)), .text(migration.name),
                ])
            }
            applied.append(migration.version)
        }
        return MigrationReport(fromVersion: from, toVersion: try currentVersion(), applied: applied)
    }

    private func currentVersion() throws(StoreError) -> Int {
        let result = try connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return Int(try result.integer(0, 0))
    }

    /// Counts rows of `table` whose `column` equals `value` (purge verification, tests).
    /// `table` and `column` must come from `PostgresStore.userTables`, never from input.
    public func countRows(table: String, column: String, value: String) throws(StoreError) -> Int {
        guard PostgresSchema.userTables.contains(where: { $0.table == table && $0.column == column }) else {
            throw .invalidValue(what: "table \(table).\(column) is not a user table")
        }
        guard PostgresSQL.isUUID(value) else { return 0 }
        let result = try connection.query("SELECT count(*) FROM \(table) WHERE \(column) = $1", [.text(value)])
        return Int(try result.integer(0, 0))
    }

    /// Names of the tables that hold a user's rows (for purge tests and docs).
    public static var userTables: [(table: String, column: String)] { PostgresSchema.userTables }
}
