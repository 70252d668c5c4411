import Persistence
import CoachingCore
import ArgumentParser
import RealtimeServer

/// `flowcoach migrate [--database PATH | --database-url URL]`: applies pending schema
/// migrations and exits. The server migrates at start-up anyway (under an advisory lock on
/// PostgreSQL, so nodes starting at once are safe); this runs them alone, e.g. from a
/// deployment step before the new version starts.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations, then exit.")

    @OptionGroup var options: DatabaseOptions

    func run() throws {
        let location = try options.location()
        let store = try location.connect()
        let report = try store.migrate()
        if report.applied.isEmpty {
            print("\(location): schema version \(report.toVersion), up to date")
        } else {
            let versions = report.applied.map(String.init).joined(separator: ", ")
            print("\(location): schema version \(report.fromVersion) → \(report.toVersion) (applied \(versions))")
        }
    }
}
