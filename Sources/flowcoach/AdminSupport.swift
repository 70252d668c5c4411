import ArgumentParser
import CoachingCore
import Foundation
import Persistence
import RealtimeServer

/// `--database PATH` / `--database-url URL`, shared by every admin command. Opens the store
/// and applies pending migrations, so admin commands work on a fresh directory (or an empty
/// PostgreSQL database) as well as beside a running server (SQLite's busy timeout covers
/// the overlap; PostgreSQL serves both).
///
/// Precedence: `--database-url`, then `--database`, then `FLOWCOACH_DATABASE_URL`, then
/// the default SQLite file.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite database file (default: \(SQLiteStore.defaultPath)).", valueName: "path"))
    var database: String?

    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "PostgreSQL connection URL, e.g. postgres://user:pass@host/flowcoach (default: $\(StoreLocation.databaseURLVariable)).",
            valueName: "url"))
    var databaseURL: String?

    func validate() throws {
        if database != nil && databaseURL != nil {
            throw ValidationError("give either --database (SQLite) or --database-url (PostgreSQL), not both")
        }
    }

    /// Where the data lives, from the options and the environment.
    func location() throws -> StoreLocation {
        try StoreLocation.resolve(path: database, url: databaseURL, environment: ProcessInfo.processInfo.environment)
    }

    /// The migrated store.
    func openStore() throws -> any Store {
        try location().open()
    }
}

/// Helpers shared by the admin commands.
enum Admin {
    /// Wall-clock milliseconds for `created_at` stamps.
    static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// A new lowercase UUID string.
    static func newId() -> String { UUID().uuidString.lowercased() }

    /// The user named `nameOrId`, or whose id it is.
    static func user(_ nameOrId: String, in store: any Store) throws -> User {
        if let user = try store.user(named: nameOrId) ?? store.user(id: nameOrId) { return user }
        throw StoreError.notFound(what: "user '\(nameOrId)'")
    }

    /// The team named `nameOrId`, or whose id it is.
    static func team(_ nameOrId: String, in store: any Store) throws -> Team {
        if let team = try store.team(named: nameOrId) ?? store.team(id: nameOrId) { return team }
        throw StoreError.notFound(what: "team '\(nameOrId)'")
    }

    /// RFC 3339 UTC text of a millisecond instant.
    static func timestamp(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    /// Prints rows as left-aligned columns.
    static func printTable(_ header: [String], _ rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }

    /// Writes a line to standard error (so standard output carries only the result).
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Checks a name given on the command line: non-empty, printable, at most 64 characters.
    static func validateName(_ name: String, what: String) throws {
        if let problem = AccountName.problem(with: name) { throw ValidationError("\(what) \(problem)") }
    }

    /// Checks an IANA time zone name (`Europe/Berlin`, `UTC`).
    static func validateTimeZone(_ name: String) throws {
        guard TimeZone(identifier: name) != nil else {
            throw ValidationError("unknown time zone '\(name)'; use an IANA name such as Europe/Berlin or UTC")
        }
    }
}
