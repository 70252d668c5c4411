import ArgumentParser
import CoachingCore
import RealtimeServer

/// `flowcoach user add|list`.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create and list users.", subcommands: [Add.self, List.self, KeystrokeTimeout.self])

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

    /// `flowcoach user keystroke-timeout USER MINUTES|default`: the gap under which two
    /// WakaTime heartbeats count as coding time (WakaTime's "keystroke timeout").
    struct KeystrokeTimeout: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keystroke-timeout",
            abstract: "Set the user's keystroke timeout for WakaTime heartbeats (1–240 minutes, or 'default' = 15).")

        @Argument(help: "User name or id.")
        var user: String

        @Argument(help: "Minutes (1–240) or 'default'.")
        var minutes: String

        @OptionGroup var options: DatabaseOptions

        func run() throws {
            let store = try options.openStore()
            let owner = try Admin.user(user, in: store)
            if minutes == "default" {
                try store.setHeartbeatTimeoutMs(nil, userId: owner.id)
                print("keystroke timeout of \(owner.name): default (15 minutes)")
                return
            }
            guard let value = Int64(minutes), HeartbeatDurations.timeoutRangeMs.contains(value * 60_000) else {
                throw ValidationError("minutes must be 1–240 or 'default'")
            }
            try store.setHeartbeatTimeoutMs(value * 60_000, userId: owner.id)
            print("keystroke timeout of \(owner.name): \(value) minutes (days are recounted as heartbeats arrive)")
        }
    }
}
