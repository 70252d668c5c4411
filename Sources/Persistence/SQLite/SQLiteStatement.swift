import CSQLite
import CoachingCore

/// One prepared statement. Owned by `SQLiteConnection`'s cache; finalized exactly once, in
/// `deinit`. Binding indexes are 1-based (SQLite's), columns 0-based.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private unowned let connection: SQLiteConnection
    /// The SQL text, for error messages.
    let sql: String

    init(handle: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Binding

    /// Resets the statement and binds `values` to parameters 1…n.
    func bind(_ values: [SQLiteValue]) throws(StoreError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
            case .real(let number): code = sqlite3_bind_double(handle, index, number)
            case .text(var text):
                // Bind by byte count, not as a C string, so an embedded NUL stays data.
                code = text.withUTF8 { utf8 in
                    utf8.withMemoryRebound(to: CChar.self) { chars in
                        guard let base = chars.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, nil) }
                        return sqlite3_bind_text(handle, index, base, Int32(chars.count), fc_sqlite_transient())
                    }
                }
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { raw in
                    // An empty array may have no base address; bind an empty blob, not NULL.
                    guard let base = raw.baseAddress, !raw.isEmpty else { return sqlite3_bind_zeroblob(handle, index, 0) }
                    return sqlite3_bind_blob(handle, index, base, Int32(raw.count), fc_sqlite_transient())
                }
            }
            guard code == SQLITE_OK else { throw connection.error(code: code, context: sql) }
        }
    }

    // MARK: Stepping

    /// Runs a statement that returns no rows; returns the number of rows changed.
    @discardableResult
    func run(_ values: [SQLiteValue] = []) throws(StoreError) -> Int {
        try bind(values)
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw connection.error(code: code, context: sql) }
        return Int(sqlite3_changes(connection.handle))
    }

    /// Runs a query and maps every row; the row reader is valid only inside `transform`.
    func query<T>(_ values: [SQLiteValue] = [], _ transform: (SQLiteRow) throws(StoreError) -> T) throws(StoreError) -> [T] {
        try bind(values)
        defer { sqlite3_reset(handle) }
        var results: [T] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return results }
            guard code == SQLITE_ROW else { throw connection.error(code: code, context: sql) }
            results.append(try transform(SQLiteRow(handle: handle, sql: sql)))
        }
    }

    /// The first row mapped by `transform`, or nil when there is none.
    func queryFirst<T>(_ values: [SQLiteValue] = [], _ transform: (SQLiteRow) throws(StoreError) -> T) throws(StoreError) -> T? {
        try bind(values)
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else { throw connection.error(code: code, context: sql) }
        return try transform(SQLiteRow(handle: handle, sql: sql))
    }
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    static func optionalText(_ text: String?) -> SQLiteValue { text.map { .text($0) } ?? .null }
    static func optionalInteger(_ number: Int64?) -> SQLiteValue { number.map { .integer($0) } ?? .null }
    static func bool(_ flag: Bool) -> SQLiteValue { .integer(flag ? 1 : 0) }
}

/// The current row of a stepping statement. Typed getters check the column's storage class,
/// so a corrupt or unexpected value becomes `StoreError.corruptRow`, never a crash.
struct SQLiteRow {
    fileprivate let handle: OpaquePointer
    fileprivate let sql: String

    private func corrupt(_ column: Int32) -> StoreError {
        let name = sqlite3_column_name(handle, column).map { String(cString: $0) } ?? "#\(column)"
        return .corruptRow(table: "query", column: name)
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func integer(_ column: Int32) throws(StoreError) -> Int64 {
        guard sqlite3_column_type(handle, column) == SQLITE_INTEGER else { throw corrupt(column) }
        return sqlite3_column_int64(handle, column)
    }

    func optionalInteger(_ column: Int32) throws(StoreError) -> Int64? {
        isNull(column) ? nil : try integer(column)
    }

    func bool(_ column: Int32) throws(StoreError) -> Bool { try integer(column) != 0 }

    func real(_ column: Int32) throws(StoreError) -> Double {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_FLOAT, SQLITE_INTEGER: return sqlite3_column_double(handle, column)
        default: throw corrupt(column)
        }
    }

    func text(_ column: Int32) throws(StoreError) -> String {
        guard sqlite3_column_type(handle, column) == SQLITE_TEXT, let bytes = sqlite3_column_text(handle, column) else {
            throw corrupt(column)
        }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func optionalText(_ column: Int32) throws(StoreError) -> String? {
        isNull(column) ? nil : try text(column)
    }

    func blob(_ column: Int32) throws(StoreError) -> [UInt8] {
        guard sqlite3_column_type(handle, column) == SQLITE_BLOB else { throw corrupt(column) }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let base = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }
}
