import ArgumentParser
import CoachingCore
import RealtimeServer

/// `flowcoach team create|add|remove|list`.
struct TeamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team", abstract: "Create teams and manage their members.",
        subcommands: [Create.self, Add.self, Remove.self, List.self])

    /// `flowcoach team create NAME`.
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a team.")

        @Argument(help: "Unique team name.")
        var name: String

        @OptionGroup var options: DatabaseOptions

        func validate() throws { try Admin.validateName(name, what: "team name") }

        func run() throws {
            let team = Team(id: Admin.newId(), name: name, createdAtMs: Admin.nowMs())
            try options.openStore().createTeam(team)
            print("created team \(team.name) (id \(team.id); channel team:\(team.id))")
        }
    }

    /// `flowcoach team add TEAM USER [--consent]`: adds a member, or updates their consent.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a member (or change their consent). Without --consent the member's data is not shared.")

        @Argument(help: "Team name or id.")
        var team: String

        @Argument(help: "User name or id.")
        var user: String

        @Flag(help: "The member consents to share their data with the team.")
        var consent = false

        @OptionGroup var options: DatabaseOptions

        func run() throws {
            let store = try options.openStore()
            let team = try Admin.team(team, in: store)
            let member = try Admin.user(user, in: store)
            try store.setMembership(TeamMembership(teamId: team.id, userId: member.id, dataSharingConsent: consent, joinedAtMs: Admin.nowMs()))
            print("\(member.name) is a member of \(team.name), data sharing \(consent ? "consented" : "not consented")")
        }
    }

    /// `flowcoach team remove TEAM USER`.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a member from a team.")

        @Argument(help: "Team name or id.")
        var team: String

        @Argument(help: "User name or id.")
        var user: String

        @OptionGroup var options: DatabaseOptions

        func run() throws {
            let store = try options.openStore()
            let team = try Admin.team(team, in: store)
            let member = try Admin.user(user, in: store)
            guard try store.removeMembership(teamId: team.id, userId: member.id) else {
                throw StoreError.notFound(what: "\(member.name) in team \(team.name)")
            }
            print("removed \(member.name) from \(team.name)")
        }
    }

    /// `flowcoach team list`: teams with their members and consent.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List teams and members.")

        @OptionGroup var options: DatabaseOptions

        func run() throws {
            let store = try options.openStore()
            let names = Dictionary(try store.users().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            let teams = try store.teams()
            guard !teams.isEmpty else {
                print("no teams")
                return
            }
            var rows: [[String]] = []
            for team in teams {
                let members = try store.memberships(teamId: team.id)
                let list = members.map { "\(names[$0.userId] ?? $0.userId)\($0.dataSharingConsent ? "" : " (no consent)")" }
                rows.append([team.name, team.id, list.isEmpty ? "-" : list.joined(separator: ", ")])
            }
            Admin.printTable(["TEAM", "ID", "MEMBERS"], rows)
        }
    }
}
