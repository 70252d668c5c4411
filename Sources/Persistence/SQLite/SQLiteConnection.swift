import CSQLite
import CoachingCore

/// One SQLite database connection with a cache of prepared statements.
///
/// Not thread-safe: used by one thread at a time (its `SQLiteStore`'s owner). The handle is
/// closed exactly once, in `deinit`, after every cached statement has been finalized.
final class SQLiteConnection {
    let handle: OpaquePointer
    let path: String
    private var statements: [String: SQLiteStatement] = [:]
    /// The same statements, keyed by the address of their literal SQL text.
    private var literalStatements: [Int: SQLiteStatement] = [:]

    /// Opens (creating if needed) the database file at `path` in serialized-off mode
    /// (`SQLITE_OPEN_NOMUTEX`: the connection is confined to one thread).
    init(path: String) throws(StoreError) {
        _ = Self.configureLibrary
        var pointer: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &pointer, flags, nil)
        guard let opened = pointer else {
            throw .openFailed(path: path, message: String(cString: sqlite3_errstr(code)))
        }
        guard code == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(opened))
            sqlite3_close_v2(opened)
            throw .openFailed(path: path, message: message)
        }
        handle = opened
        self.path = path
        sqlite3_extended_result_codes(opened, 1)
    }

    /// Process-wide settings applied once before the first open (SQLITE_MISUSE afterwards,
    /// which is harmless: the setting is then simply not applied).
    private static let configureLibrary: Int32 = fc_sqlite_disable_memstatus()

    deinit {
        literalStatements.removeAll()
        statements.removeAll()  // the last references: each statement's deinit finalizes it
        sqlite3_close_v2(handle)
    }

    /// The cached prepared statement for a literal `sql`, looked up by the literal's address
    /// (no hashing of the text on the hot path).
    func statement(_ sql: StaticString) throws(StoreError) -> SQLiteStatement {
        guard sql.hasPointerRepresentation else { return try statement(text: sql.description) }
        let key = Int(bitPattern: sql.utf8Start)
        if let cached = literalStatements[key] { return cached }
        let prepared = try statement(text: sql.description)
        literalStatements[key] = prepared
        return prepared
    }

    /// The cached prepared statement for a `sql` built at run time once (e.g. around a shared
    /// SQL fragment), looked up by the address of the literal `key` like a literal statement,
    /// so the text is not hashed on every call.
    func statement(cachedAs key: StaticString, text sql: @autoclosure () -> String) throws(StoreError) -> SQLiteStatement {
        let address = Int(bitPattern: key.utf8Start)
        if let cached = literalStatements[address] { return cached }
        let prepared = try statement(text: sql())
        literalStatements[address] = prepared
        return prepared
    }

    /// The cached prepared statement for `sql`, preparing it on first use. A separate label,
    /// so that a literal picks the pointer-keyed `StaticString` overload (this one hashes
    /// the whole text on every lookup).
    func statement(text sql: String) throws(StoreError) -> SQLiteStatement {
        if let cached = statements[sql] { return cached }
        var pointer: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard code == SQLITE_OK, let prepared = pointer else {
            sqlite3_finalize(pointer)
            throw error(code: code, context: sql)
        }
        let statement = SQLiteStatement(handle: prepared, connection: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs one or more statements without parameters (schema, pragmas, BEGIN/COMMIT).
    func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        let text = message.map { String(cString: $0) }
        sqlite3_free(message)
        guard code == SQLITE_OK else { throw error(code: code, context: text ?? sql) }
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`; rolls back when it throws.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try inTransaction(begin: "BEGIN IMMEDIATE", body)
    }

    /// Runs `body` inside `BEGIN … COMMIT` (deferred: a read transaction while it only
    /// reads); rolls back when it throws.
    func readTransaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try inTransaction(begin: "BEGIN", body)
    }

    private func inTransaction<T>(begin: StaticString, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try statement(begin).run()
        do {
            let result = try body()
            try statement("COMMIT").run()
            return result
        } catch {
            // A failed COMMIT may already have rolled back; ROLLBACK then reports an error we ignore.
            if sqlite3_get_autocommit(handle) == 0 { _ = try? statement("ROLLBACK").run() }
            throw error
        }
    }

    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Maps a result code to a `StoreError`, with SQLite's message and the failing context.
    func error(code: Int32, context: String) -> StoreError {
        let message = String(cString: sqlite3_errmsg(handle)) + " [" + context.prefix(120) + "]"
        switch code & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy(message: message)
        case SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_PROTOCOL, SQLITE_NOLFS:
            return .unavailable(code: code, message: message)
        case SQLITE_CONSTRAINT:
            if code == fc_SQLITE_CONSTRAINT_UNIQUE || code == fc_SQLITE_CONSTRAINT_PRIMARYKEY {
                return .duplicate(what: message)
            }
            return .constraintViolation(message: message)
        default: return .failed(code: code, message: message)
        }
    }
}
