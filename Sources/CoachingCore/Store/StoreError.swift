/// Everything a store can report. One enum for every implementation (SQLite now,
/// PostgreSQL next), so the writer's retry decision (`isTransient`) is made in one place.
public enum StoreError: Error, Hashable, CustomStringConvertible {
    /// The database could not be opened or created at `path`.
    case openFailed(path: String, message: String)
    /// Another connection holds a lock past the busy timeout.
    case busy(message: String)
    /// The storage failed (disk full, I/O error, connection lost). Usually temporary.
    case unavailable(code: Int32, message: String)
    /// A row broke a constraint (CHECK, NOT NULL, foreign key). Retrying cannot help.
    case constraintViolation(message: String)
    /// A unique name or id is already taken (`what` names it, e.g. `user 'ada'`).
    case duplicate(what: String)
    /// The named thing does not exist (e.g. `user 'ada'`).
    case notFound(what: String)
    /// A value the caller passed is unusable (`what` names the field and the problem).
    case invalidValue(what: String)
    /// The database was migrated by a newer Flowcoach than this one.
    case schemaTooNew(found: Int, known: Int)
    /// A stored value has an unexpected type or range.
    case corruptRow(table: String, column: String)
    /// Any other database error; treated as permanent.
    case failed(code: Int32, message: String)

    /// `true` when the same operation may succeed later unchanged (the writer retries
    /// with backoff); `false` when the input itself is at fault.
    public var isTransient: Bool {
        switch self {
        case .busy, .unavailable, .openFailed: true
        case .constraintViolation, .duplicate, .notFound, .invalidValue, .schemaTooNew, .corruptRow, .failed:
            false
        }
    }

    public var description: String {
        switch self {
        case .openFailed(let path, let message): "cannot open database at \(path): \(message)"
        case .busy(let message): "database busy: \(message)"
        case .unavailable(let code, let message): "database unavailable (\(code)): \(message)"
        case .constraintViolation(let message): "constraint violated: \(message)"
        case .duplicate(let what): "\(what) already exists"
        case .notFound(let what): "\(what) not found"
        case .invalidValue(let what): "invalid value: \(what)"
        case .schemaTooNew(let found, let known):
            "database schema version \(found) is newer than this build knows (\(known)); upgrade Flowcoach"
        case .corruptRow(let table, let column): "unexpected value in \(table).\(column)"
        case .failed(let code, let message): "database error \(code): \(message)"
        }
    }
}
