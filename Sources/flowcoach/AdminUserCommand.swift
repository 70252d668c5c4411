import ArgumentParser
import CoachingCore
import Glibc
import RealtimeServer

/// `flowcoach user add|list|delete|keystroke-timeout`.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create, list and delete users.", subcommands: [Add.self, List.self, Delete.self, KeystrokeTimeout.self])

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

    /// `flowcoach user delete USER --yes`: erases the user's data and then the account.
    ///
    /// Running servers learn of it through the store: the user's tokens are revoked first,
    /// each server's revocation check (`auth.revocation_check_ms`) closes the user's open
    /// connections with 1008, and only after `--grace-ms` are the account and its tokens
    /// deleted (the revoked rows are what the servers look for).
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a user: revoke their tokens (open connections close), erase their data, then remove the account.")

        @Argument(help: "User name or id.")
        var user: String

        @Flag(help: "Confirm: the user's data and account are erased for good.")
        var yes = false

        @Option(name: .customLong("grace-ms"),
                help: "How long running servers get to see the revoked tokens and close the user's connections before the account is removed (≥ auth.revocation_check_ms).")
        var graceMs: Int = 5_000

        @OptionGroup var options: DatabaseOptions

        func validate() throws {
            guard yes else { throw ValidationError("deleting a user erases all their data and the account; confirm with --yes") }
            guard (0...600_000).contains(graceMs) else { throw ValidationError("--grace-ms must be 0…600000") }
        }

        func run() throws {
            let store = try options.openStore()
            let owner = try Admin.user(user, in: store)
            let nowMs = Admin.nowMs()
            var revoked = 0
            for token in try store.tokens(userId: owner.id) where token.revokedAtMs == nil {
                if try store.revokeToken(id: token.id, atMs: nowMs) { revoked += 1 }
            }
            let data = try store.purgeUser(id: owner.id, deleteAccount: false)
            print("revoked \(revoked) token(s) of \(owner.name) and erased \(data.total) row(s) of data")
            if graceMs > 0 {
                Admin.note("waiting \(graceMs) ms for running servers to close \(owner.name)'s connections…")
                usleep(UInt32(min(graceMs, 600_000)) * 1_000)
            }
            // Rows a server checkpointed during the grace go with the account.
            let rest = try store.purgeUser(id: owner.id, deleteAccount: true)
            print("deleted user \(owner.name) (id \(owner.id)) and \(rest.total) more row(s)")
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
