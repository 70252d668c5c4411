public import CoachingCore

/// Where the data lives: an SQLite file (the embedded default) or a PostgreSQL database.
/// `flowcoach serve` and the admin commands pick one (`--database PATH`,
/// `--database-url URL`, config keys `database.path` / `database.url`, environment
/// `FLOWCOACH_DATABASE_URL`) and call `open()`.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    /// A libpq connection URL (`postgres://user:password@host:5432/flowcoach?sslmode=require`)
    /// or `key=value` connection string.
    case postgres(url: String)

    /// The environment variable naming a PostgreSQL database.
    public static let databaseURLVariable = "FLOWCOACH_DATABASE_URL"

    /// The location chosen by explicit options first, then the environment, then the
    /// default SQLite file. Giving both a path and a URL is an error.
    ///
    /// - Parameters:
    ///   - path: `--database` (or `database.path`), if given.
    ///   - url: `--database-url` (or `database.url`), if given.
    ///   - environment: the process environment (`FLOWCOACH_DATABASE_URL`).
    public static func resolve(path: String?, url: String?, environment: [String: String]) throws(StoreError) -> StoreLocation {
        switch (path, url) {
        case (.some, .some):
            throw .invalidValue(what: "give either a database path (SQLite) or a database URL (PostgreSQL), not both")
        case (.some(let path), nil):
            return .sqlite(path: path)
        case (nil, .some(let url)):
            return .postgres(url: url)
        case (nil, nil):
            if let url = environment[databaseURLVariable], !url.isEmpty { return .postgres(url: url) }
            return .sqlite(path: SQLiteStore.defaultPath)
        }
    }

    /// Opens the store and applies pending migrations (the server and admin commands).
    /// `sqliteCacheKiB` bounds an SQLite connection's page cache and `sqliteSynchronous` sets
    /// its commits' durability (PostgreSQL ignores both).
    public func open(sqliteCacheKiB: Int = SQLiteStore.defaultCacheKiB,
                     sqliteSynchronous: SQLiteStore.Synchronous = .full) throws(StoreError) -> any Store {
        let store = try connect(sqliteCacheKiB: sqliteCacheKiB, sqliteSynchronous: sqliteSynchronous)
        try store.migrate()
        return store
    }

    /// Opens the store without migrating (`flowcoach migrate` reports what it applies).
    public func connect(sqliteCacheKiB: Int = SQLiteStore.defaultCacheKiB,
                        sqliteSynchronous: SQLiteStore.Synchronous = .full) throws(StoreError) -> any Store {
        switch self {
        case .sqlite(let path): try SQLiteStore(path: path, synchronous: sqliteSynchronous, cacheKiB: sqliteCacheKiB)
        case .postgres(let url): try PostgresStore(url: url)
        }
    }

    /// The path, or the URL with any password masked: safe for logs.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:" + path
        case .postgres(let url): "postgres:" + PGConnection.redact(url)
        }
    }
}
