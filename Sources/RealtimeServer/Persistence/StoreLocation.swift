/// Where the store lives: the embedded SQLite file (default) or a PostgreSQL server.
public enum StoreLocation: Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// Opens a connection to the store and applies pending migrations.
    public func open() throws(StoreError) -> any Store {
        switch self {
        case .sqlite(let path):
            let store = try SQLiteStore(path: path)
            try store.migrate()
            return store
        case .postgres:
            throw StoreError.openFailed(path: description, message: "PostgreSQL support is not built yet")
        }
    }

    /// For logs: the SQLite path, or the PostgreSQL URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:" + path
        case .postgres: "postgres"
        }
    }
}
