import Foundation
import Testing

import CoachingCore
@testable import Persistence

/// The PostgreSQL store's pure parts (no server needed): parameter and array encoding,
/// bytea hex, error classes, URL redaction, store selection.
struct PGValueTests {
    private func text(_ value: PGValue) throws -> String? {
        var buffer: [UInt8] = []
        guard try value.encode(into: &buffer) else { return nil }
        #expect(buffer.last == 0)
        return String(decoding: buffer.dropLast(), as: UTF8.self)
    }

    @Test("scalar parameters use PostgreSQL's text input forms")
    func scalarForms() throws {
        #expect(try text(.null) == nil)
        #expect(try text(.integer(-42)) == "-42")
        #expect(try text(.bool(true)) == "t")
        #expect(try text(.real(0.75)) == "0.75")
        #expect(try text(.real(.nan)) == "NaN")
        #expect(try text(.real(-.infinity)) == "-Infinity")
        #expect(try text(.bytes([0x00, 0xAB, 0xFF])) == "\\x00abff")
        #expect(throws: StoreError.self) { try text(.text("a\u{0}b")) }
    }

    @Test("array elements are quoted and escaped, NULL is unquoted")
    func arrayLiteral() throws {
        var array = PGArrayLiteral()
        try array.append("plain")
        try array.append("quote\" and \\ backslash")
        try array.append(optional: nil)
        try array.append("NULL")
        try array.append("{,}")
        #expect(try text(array.value) == #"{"plain","quote\" and \\ backslash",NULL,"NULL","{,}"}"#)
        var numbers = PGArrayLiteral()
        numbers.append(Int64(1))
        numbers.append(Int64(-2))
        #expect(try text(numbers.value) == "{1,-2}")
        var bytes = PGArrayLiteral()
        bytes.append(bytea: [1, 255])
        bytes.append(bytea: [])
        #expect(try text(bytes.value) == #"{"\\x01ff","\\x"}"#)
        #expect(try text(PGArrayLiteral().value) == "{}")
        var bad = PGArrayLiteral()
        #expect(throws: StoreError.self) { try bad.append("nul\u{0}") }
    }

    @Test("bytea hex output decodes, and malformed hex is refused")
    func hexDecoding() {
        func decode(_ text: String) -> [UInt8]? {
            Array(text.utf8).withUnsafeBytes { PGValue.decodeHex($0) }
        }
        #expect(decode("\\x") == [])
        #expect(decode("\\x00ABff") == [0, 0xAB, 0xFF])
        #expect(decode("\\x0") == nil)
        #expect(decode("\\xzz") == nil)
        #expect(decode("00") == nil)
    }

    @Test("SQLSTATE classes map to transient or permanent store errors")
    func errorClasses() {
        func map(_ state: String?, lost: Bool = false) -> StoreError {
            PGErrorMapping.storeError(sqlState: state, message: "m", connectionLost: lost)
        }
        #expect(map("08006").isTransient)  // connection_failure
        #expect(map("57P01").isTransient)  // admin_shutdown
        #expect(map("53300").isTransient)  // too_many_connections
        #expect(map("40001").isTransient)  // serialization_failure
        #expect(map("55P03").isTransient)  // lock_not_available
        #expect(map(nil, lost: true).isTransient)
        #expect(!map(nil).isTransient)
        #expect(map("23505") == .duplicate(what: "m [SQLSTATE 23505]"))
        #expect(map("23514") == .constraintViolation(message: "m [SQLSTATE 23514]"))
        #expect(map("22P02") == .invalidValue(what: "m [SQLSTATE 22P02]"))
        #expect(!map("42P01").isTransient)
    }

    @Test("passwords never appear in printed connection strings")
    func redaction() {
        #expect(PGConnection.redact("postgres://ada:s3cret@db:5432/fc") == "postgres://ada:***@db:5432/fc")
        #expect(PGConnection.redact("postgresql://ada@db/fc?password=s3cret&sslmode=require") == "postgresql://ada@db/fc?password=***&sslmode=require")
        #expect(PGConnection.redact("host=db password=s3cret dbname=fc") == "host=db password=*** dbname=fc")
        #expect(PGConnection.redact("postgres://db/fc") == "postgres://db/fc")
        #expect(!StoreLocation.postgres(url: "postgres://ada:s3cret@db/fc").description.contains("s3cret"))
    }

    @Test("a malformed connection string is an invalid value, not a crash")
    func malformedURL() {
        #expect(throws: StoreError.self) { try PGConnection(conninfo: "postgres://[::1", timeoutMs: 100) }
        #expect(throws: StoreError.self) { try PGConnection(conninfo: "host=db nosuchkeyword=1", timeoutMs: 100) }
    }

    @Test("an unreachable server is a transient open failure")
    func unreachableServer() {
        do {
            _ = try PostgresStore(url: "postgresql://nobody@127.0.0.1:1/none", timeoutMs: 2_000)
            Issue.record("connected to port 1")
        } catch {
            #expect(error.isTransient)
        }
    }

    @Test("UUID keys are recognised in either case and nothing else is")
    func uuidCheck() {
        #expect(PostgresSQL.isUUID("6025ed43-ba07-47a7-ae21-c63d9a04d768"))
        #expect(PostgresSQL.isUUID("6025ED43-BA07-47A7-AE21-C63D9A04D768"))
        #expect(!PostgresSQL.isUUID("no-such-user"))
        #expect(!PostgresSQL.isUUID("6025ed43-ba07-47a7-ae21-c63d9a04d76g"))
        #expect(!PostgresSQL.isUUID("6025ed43ba0747a7ae21c63d9a04d768"))
    }

    @Test("binary arrays carry dimensions, the NULL flag, the element type and each element's length and bytes")
    func binaryArrayLayout() throws {
        #expect(PGBinaryArray(.int8).value == .binary([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20]))
        var texts = PGBinaryArray(.text)
        try texts.append("é")
        try texts.append(optional: nil)
        #expect(texts.value == .binary([
            0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 25, 0, 0, 0, 2, 0, 0, 0, 1,
            0, 0, 0, 2, 0xC3, 0xA9, 0xFF, 0xFF, 0xFF, 0xFF,
        ]))
        var uuids = PGBinaryArray(.uuid)
        try uuids.append(uuid: "6025ED43-ba07-47a7-ae21-c63d9a04d768")
        guard case .binary(let bytes) = uuids.value else { Issue.record("not binary"); return }
        #expect(Array(bytes.suffix(16)) == [0x60, 0x25, 0xED, 0x43, 0xBA, 0x07, 0x47, 0xA7, 0xAE, 0x21, 0xC6, 0x3D, 0x9A, 0x04, 0xD7, 0x68])
        var days = PGBinaryArray(.date)
        try days.append(day: "2000-01-02")
        guard case .binary(let dayBytes) = days.value else { Issue.record("not binary"); return }
        #expect(Array(dayBytes.suffix(4)) == [0, 0, 0, 1])
        #expect(throws: StoreError.self) { try uuids.append(uuid: "not-a-uuid") }
        #expect(throws: StoreError.self) { try days.append(day: "2000-02-30") }
        #expect(throws: StoreError.self) { try texts.append("a\u{0}b") }
    }

    @Test("explicit options win over the environment; both a path and a URL is an error")
    func storeSelection() throws {
        let env = [StoreLocation.databaseURLVariable: "postgres://env/fc"]
        #expect(try StoreLocation.resolve(path: nil, url: nil, environment: [:]) == .sqlite(path: SQLiteStore.defaultPath))
        #expect(try StoreLocation.resolve(path: nil, url: nil, environment: env) == .postgres(url: "postgres://env/fc"))
        #expect(try StoreLocation.resolve(path: "a.sqlite", url: nil, environment: env) == .sqlite(path: "a.sqlite"))
        #expect(try StoreLocation.resolve(path: nil, url: "postgres://flag/fc", environment: env) == .postgres(url: "postgres://flag/fc"))
        #expect(throws: StoreError.self) { try StoreLocation.resolve(path: "a", url: "postgres://b", environment: [:]) }
    }
}
