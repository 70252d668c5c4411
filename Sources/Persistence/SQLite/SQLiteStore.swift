import CSQLite
public import CoachingCore
import Foundation

/// The embedded default `Store`: one SQLite file in WAL mode.
///
/// Durability: `synchronous = FULL` by default. In WAL mode every COMMIT then fsyncs the
/// WAL, so a committed batch survives a kill -9 of the process *and* a power loss or OS
/// crash; group commit makes that one fsync per batch. `.normal` survives a process crash
/// (the WAL is in the OS page cache) but may lose the last transactions on power loss; a
/// `durable` ack would then be a lie after a power cut, so it is opt-in. docs/STORAGE.md.
///
/// Threading: see `Store`. The connection is opened with `SQLITE_OPEN_NOMUTEX` and used by
/// one thread at a time.
public final class SQLiteStore: Store, @unchecked Sendable {
    // @unchecked Sendable: owned by exactly one thread at a time, the PersistenceWriter's
    // (or a StoreReader's, or the admin CLI's main thread); `Sendable` only permits the
    // hand-over.

    /// How hard COMMIT pushes data to the disk (PRAGMA synchronous).
    public enum Synchronous: String, Sendable {
        /// fsync the WAL at every commit: survives process kill and power loss (default).
        case full = "FULL"
        /// fsync only at checkpoints: survives process kill, not power loss.
        case normal = "NORMAL"
    }

    /// `./data/flowcoach.sqlite`, relative to the working directory.
    public static let defaultPath = "data/flowcoach.sqlite"

    let connection: SQLiteConnection

    /// Opens (creating the file and its directory if needed) and configures the database.
    /// Call `migrate()` before anything else.
    ///
    /// - Parameters:
    ///   - path: database file; its parent directory is created.
    ///   - synchronous: see the type's documentation.
    ///   - busyTimeoutMs: how long a statement waits for another connection's lock
    ///     (the admin CLI and a running server share the file).
    ///   - cacheKiB: this connection's page-cache bound; it is what a long-running server's
    ///     memory grows to, as the cache fills with pages of a growing file.
    public init(path: String = SQLiteStore.defaultPath, synchronous: Synchronous = .full, busyTimeoutMs: Int32 = 5_000,
                cacheKiB: Int = SQLiteStore.defaultCacheKiB) throws(StoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .openFailed(path: path, message: "cannot create directory \(directory): \(error)")
            }
        }
        connection = try SQLiteConnection(path: path)
        sqlite3_busy_timeout(connection.handle, busyTimeoutMs)
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = \(synchronous.rawValue)")
        try connection.execute("PRAGMA foreign_keys = ON")
        try connection.execute("PRAGMA temp_store = MEMORY")
        // A negative cache_size is in KiB. Larger than SQLite's 2 MiB default: random-UUID
        // keys touch pages all over the indexes, and a batch that outgrows the cache spills
        // pages mid-transaction.
        try connection.execute("PRAGMA cache_size = -\(max(cacheKiB, 256))")
    }

    /// The page-cache bound of a connection opened without one (the admin commands): 64 MiB.
    public static let defaultCacheKiB = 65_536

    /// The file this store writes.
    public var path: String { connection.path }

    // MARK: Schema

    @discardableResult
    public func migrate() throws(StoreError) -> MigrationReport {
        try connection.execute(SQLiteSchema.migrationsTable)
        let from = try currentVersion()
        guard from <= SQLiteSchema.latestVersion else {
            throw .schemaTooNew(found: from, known: SQLiteSchema.latestVersion)
        }
        var applied: [Int] = []
        for migration in SQLiteSchema.migrations where migration.version > from {
            try connection.transaction { () throws(StoreError) in
                // Re-check inside the write lock: another process may have migrated meanwhile.
                guard try currentVersion() < migration.version else { return }
                try connection.execute(migration.sql)
                try connection.statement("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)")
                    .run([.integer(Int64(migration.version)), .text(migration.name), .integer(Self.nowMs())])
                applied.append(migration.version)
            }
        }
        return MigrationReport(fromVersion: from, toVersion: try currentVersion(), applied: applied)
    }

    private func currentVersion() throws(StoreError) -> Int {
        let version = try connection.statement("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            .queryFirst { row throws(StoreError) in try row.integer(0) }
        return Int(version ?? 0)
    }

    /// Wall-clock milliseconds, used only to stamp `schema_migrations.applied_at_ms`.
    private static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// One read transaction for several reads: in WAL mode every statement outside a
    /// transaction takes and drops a read lock on the shared-memory index (two `fcntl`s) and,
    /// when the writer has committed since, drops this connection's page cache; a token check
    /// runs about ten queries while the writer commits all the time.
    public func reading<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try connection.readTransaction(body)
    }

    /// Runs `body` in one write transaction (BEGIN IMMEDIATE … COMMIT).
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try connection.transaction(body)
    }

    /// Counts rows of `table` whose `column` equals `value` (purge verification, tests).
    /// `table` and `column` must come from `SQLiteSchema.userTables`, never from input.
    public func countRows(table: String, column: String, value: String) throws(StoreError) -> Int {
        guard SQLiteSchema.userTables.contains(where: { $0.table == table && $0.column == column }) else {
            throw .invalidValue(what: "table \(table).\(column) is not a user table")
        }
        let count = try connection.statement(text: "SELECT COUNT(*) FROM \(table) WHERE \(column) = ?")
            .queryFirst([.text(value)]) { row throws(StoreError) in try row.integer(0) }
        return Int(count ?? 0)
    }

    /// Names of the tables that hold a user's rows (for purge tests and docs).
    public static var userTables: [(table: String, column: String)] { SQLiteSchema.userTables }
}
