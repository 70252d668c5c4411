import CLibPQ
import CoachingCore

/// One successful query result (text format). Owns its `PGresult`, cleared exactly once in
/// `deinit`. Typed getters check NULLs and formats, so an unexpected value becomes
/// `StoreError.corruptRow`, never a crash. Rows and columns are 0-based.
final class PGResult {
    private let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }

    deinit { PQclear(handle) }

    var rowCount: Int { Int(PQntuples(handle)) }

    /// Rows affected by INSERT/UPDATE/DELETE (`PQcmdTuples`), 0 when not applicable.
    var affectedRows: Int {
        guard let text = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    private func corrupt(_ column: Int32) -> StoreError {
        let name = PQfname(handle, column).map { String(cString: $0) } ?? "#\(column)"
        return .corruptRow(table: "query", column: name)
    }

    func isNull(_ row: Int, _ column: Int32) -> Bool { PQgetisnull(handle, Int32(row), column) == 1 }

    /// The raw text bytes of a non-NULL value (valid while the result lives).
    private func bytes(_ row: Int, _ column: Int32) throws(StoreError) -> UnsafeRawBufferPointer {
        guard !isNull(row, column), let value = PQgetvalue(handle, Int32(row), column) else { throw corrupt(column) }
        return UnsafeRawBufferPointer(start: value, count: Int(PQgetlength(handle, Int32(row), column)))
    }

    func text(_ row: Int, _ column: Int32) throws(StoreError) -> String {
        String(decoding: try bytes(row, column), as: UTF8.self)
    }

    func optionalText(_ row: Int, _ column: Int32) throws(StoreError) -> String? {
        isNull(row, column) ? nil : try text(row, column)
    }

    func integer(_ row: Int, _ column: Int32) throws(StoreError) -> Int64 {
        let raw = try bytes(row, column)
        // Hand-rolled: the hot read paths parse thousands of these.
        var value: Int64 = 0
        var index = 0
        var negative = false
        if raw.first == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        guard index < raw.count else { throw corrupt(column) }
        while index < raw.count {
            let digit = raw[index] &- UInt8(ascii: "0")
            guard digit < 10 else { throw corrupt(column) }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? times.subtractingReportingOverflow(Int64(digit)) : times.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { throw corrupt(column) }
            value = sum
            index += 1
        }
        return value
    }

    func optionalInteger(_ row: Int, _ column: Int32) throws(StoreError) -> Int64? {
        isNull(row, column) ? nil : try integer(row, column)
    }

    func real(_ row: Int, _ column: Int32) throws(StoreError) -> Double {
        guard let value = Double(try text(row, column)) else { throw corrupt(column) }
        return value
    }

    func bool(_ row: Int, _ column: Int32) throws(StoreError) -> Bool {
        let raw = try bytes(row, column)
        guard raw.count == 1 else { throw corrupt(column) }
        switch raw[0] {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: throw corrupt(column)
        }
    }

    /// A `bytea` column in hex output format.
    func bytea(_ row: Int, _ column: Int32) throws(StoreError) -> [UInt8] {
        guard let bytes = PGValue.decodeHex(try bytes(row, column)) else { throw corrupt(column) }
        return bytes
    }

    /// A `jsonb` object of integers (the per-language milliseconds).
    func languageMap(_ row: Int, _ column: Int32) throws(StoreError) -> [String: Int64] {
        guard let map = LanguageMapJSON.decode(try bytes(row, column)) else { throw corrupt(column) }
        return map
    }
}
