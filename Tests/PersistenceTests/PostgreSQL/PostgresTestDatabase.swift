import Foundation
import Testing

import CoachingCore
@testable import Persistence
import PersistenceTestSupport

/// Every test that talks to the PostgreSQL test cluster lives in a suite nested here: they
/// run one at a time, because the outage test stops and restarts the whole server.
@Suite(.serialized) struct PostgreSQLServerTests {}

/// A fresh, empty database on the throwaway cluster (`scripts/pg-test-cluster.sh`, started
/// by scripts/test.sh), created for one test and dropped when released.
final class PostgresTestDatabase {
    static let urlVariable = "FLOWCOACH_TEST_DATABASE_URL"
    static let clusterVariable = "FLOWCOACH_TEST_PG_DIR"

    /// The cluster's URL, or nil when the tests run without one.
    static var baseURL: String? {
        guard let url = ProcessInfo.processInfo.environment[urlVariable], !url.isEmpty else { return nil }
        return url
    }

    /// A new database, or nil (with the reason printed) when no cluster is configured.
    static func make(_ test: String = #function) throws -> PostgresTestDatabase? {
        guard let base = baseURL else {
            print("skipping PostgreSQL test \(test): \(urlVariable) is not set (scripts/test.sh starts a throwaway cluster)")
            return nil
        }
        return try PostgresTestDatabase(base: base)
    }

    let name: String
    let url: String
    private let admin: PGConnection

    private init(base: String) throws {
        name = "fc_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        admin = try PGConnection(conninfo: base, timeoutMs: 30_000)
        // The name is generated hex above, never input.
        try admin.execute("CREATE DATABASE \(name)")
        url = Self.url(base, database: name)
    }

    deinit { _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }

    /// `base` with its database replaced (URL or key=value form).
    static func url(_ base: String, database: String) -> String {
        if base.hasPrefix("postgres"), var components = URLComponents(string: base) {
            components.path = "/" + database
            return components.string ?? base
        }
        return base + " dbname=" + database
    }

    /// A migrated store on this database.
    func store(timeoutMs: Int = 30_000) throws -> PostgresStore {
        let store = try PostgresStore(url: url, timeoutMs: timeoutMs)
        try store.migrate()
        return store
    }

    /// Runs parameterless SQL as the cluster's superuser in this database (test set-up).
    func execute(_ sql: String) throws {
        let connection = try PGConnection(conninfo: url, timeoutMs: 30_000)
        try connection.execute(sql)
    }

    // MARK: The cluster itself

    /// The cluster's control script (`DIR/ctl kill|restart`), or nil when not known.
    static var controlScript: String? {
        guard let dir = ProcessInfo.processInfo.environment[clusterVariable], !dir.isEmpty else { return nil }
        let path = dir + "/ctl"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Runs `ctl <command>` and waits for it. posix_spawn + waitpid: Foundation's
    /// `Process.waitUntilExit` was seen to miss the child's exit inside the test runner.
    static func control(_ command: String) throws {
        guard let script = controlScript else { throw TestClusterError.noControlScript }
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(script), strdup(command), nil]
        defer { for argument in arguments { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, script, nil, nil, arguments, environ)
        guard spawned == 0 else { throw TestClusterError.commandFailed(command, spawned) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw TestClusterError.commandFailed(command, errno) }
        }
        // WIFEXITED && WEXITSTATUS == 0
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else { throw TestClusterError.commandFailed(command, status) }
    }
}

enum TestClusterError: Error {
    case noControlScript
    case commandFailed(String, Int32)
}

/// The two `Store` implementations, for suites that run the same contract against both.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// A migrated store of either kind on a fresh database, with the extras the contract tests
/// need beyond `Store` (row counts per user table).
final class ContractStore {
    let store: any Store
    private let sqlite: (database: TemporaryDatabase, store: SQLiteStore)?
    private let postgres: (database: PostgresTestDatabase, store: PostgresStore)?

    /// nil (reason printed) for PostgreSQL when no cluster is configured.
    static func make(_ kind: StoreKind, _ test: String = #function) throws -> ContractStore? {
        switch kind {
        case .sqlite:
            let database = TemporaryDatabase()
            return ContractStore(sqlite: (database, try database.store()))
        case .postgres:
            guard let database = try PostgresTestDatabase.make(test) else { return nil }
            return ContractStore(postgres: (database, try database.store()))
        }
    }

    private init(sqlite: (TemporaryDatabase, SQLiteStore)? = nil, postgres: (PostgresTestDatabase, PostgresStore)? = nil) {
        self.sqlite = sqlite
        self.postgres = postgres
        if let sqlite { store = sqlite.1 } else if let postgres { store = postgres.1 } else { preconditionFailure("no store") }
    }

    var userTables: [(table: String, column: String)] {
        sqlite != nil ? SQLiteStore.userTables : PostgresStore.userTables
    }

    func countRows(table: String, column: String, value: String) throws -> Int {
        if let sqlite { return try sqlite.store.countRows(table: table, column: column, value: value) }
        if let postgres { return try postgres.store.countRows(table: table, column: column, value: value) }
        return 0
    }

    /// A second, independent store on the same database (another connection).
    func reopen() throws -> any Store {
        if let sqlite { return try SQLiteStore(path: sqlite.database.path) }
        if let postgres { return try PostgresStore(url: postgres.database.url) }
        preconditionFailure("no store")
    }
}
