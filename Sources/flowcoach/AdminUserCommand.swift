import ArgumentParser
import CoachingCore
import RealtimeServer

/// `flowcoach user add|list`.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create and list users.", subcommands: [Add.self, List.self])

    /// `flowcoach user add NAME [--display …] [--tz Europe/Berlin]`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user.")

        @Argument(help: "Unique user name (shown on leaderboards).")
        var name: String

        @Option(name: .long, help: "Display name (default: the name).")
        var display: String?

        @Option(name: .customLong("tz"), help: "IANA time zone that defines the user's day.")
        var timeZone: String = "UTC"

        @OptionGroup var options: DatabaseOptions

        func validate() throws {
            try Admin.validateName(name, what: "user name")
            if let display { try Admin.validateName(display, what: "display name") }
            try Admin.validateTimeZone(timeZone)
        }

        func run() throws {
            let store = try options.openStore()
            let user = User(id: Admin.newId(), name: name, displayName: display ?? name, timeZone: timeZone, createdAtMs: Admin.nowMs())
            try store.createUser(user)
            print("created user \(user.name) (id \(user.id), time zone \(user.timeZone))")
            print("next: flowcoach token create \(user.name) --scope ingest")
        }
    }

    /// `flowcoach user list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")

        @OptionGroup var options: DatabaseOptions

        func run() throws {
            let users = try options.openStore().users()
            guard !users.isEmpty else {
                print("no users yet: flowcoach user add NAME")
                return
            }
            Admin.printTable(
                ["NAME", "DISPLAY", "TIME ZONE", "CREATED", "ID"],
                users.map { [$0.name, $0.displayName, $0.timeZone, Admin.timestamp($0.createdAtMs), $0.id] })
        }
    }
}
