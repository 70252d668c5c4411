import ArgumentParser
import CoachingCore

/// `flowcoach goal set|show|clear USER`: a user's own daily or weekly goal of active or flow
/// time (the same goal `goal.set` sets from the dashboard). A running server reads it when
/// the user next connects.
struct GoalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goal", abstract: "Set, show or clear a user's goal.", subcommands: [Set.self, Show.self, Clear.self])

    /// `flowcoach goal set USER --period day|week --metric active|flow --minutes N`.
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's goal.")

        @Argument(help: "User name or id.")
        var user: String

        @Option(help: "day or week.")
        var period: String = "day"

        @Option(help: "active (coding time) or flow (time in flow).")
        var metric: String = "flow"

        @Option(help: "Target in minutes (1 … 10080).")
        var minutes: Int64

        @OptionGroup var options: DatabaseOptions

        func validate() throws {
            guard UserGoal.Period(rawValue: period) != nil else { throw ValidationError("--period must be day or week") }
            guard UserGoal.Metric(rawValue: metric) != nil else { throw ValidationError("--metric must be active or flow") }
            guard minutes >= 1, minutes * 60_000 <= UserGoal.maxTargetMs else {
                throw ValidationError("--minutes must be 1 … \(UserGoal.maxTargetMs / 60_000)")
            }
        }

        func run() throws {
            guard let period = UserGoal.Period(rawValue: period), let metric = UserGoal.Metric(rawValue: metric) else { return }
            let store = try options.openStore()
            let owner = try Admin.user(user, in: store)
            try store.setGoal(UserGoal(period: period, metric: metric, targetMs: minutes * 60_000), userId: owner.id)
            print("goal of \(owner.name): \(minutes) minutes of \(metric.rawValue) time per \(period.rawValue)")
        }
    }

    /// `flowcoach goal show USER`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user's goal.")

        @Argument(help: "User name or id.")
        var user: String

        @OptionGroup var options: DatabaseOptions

        func run() throws {
            let store = try options.openStore()
            let owner = try Admin.user(user, in: store)
            guard let goal = try store.goal(userId: owner.id) else {
                print("\(owner.name) has no goal")
                return
            }
            print("goal of \(owner.name): \(goal.targetMs / 60_000) minutes of \(goal.metric.rawValue) time per \(goal.period.rawValue)")
        }
    }

    /// `flowcoach goal clear USER`.
    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user's goal.")

        @Argument(help: "User name or id.")
        var user: String

        @OptionGroup var options: DatabaseOptions

        func run() throws {
            let store = try options.openStore()
            let owner = try Admin.user(user, in: store)
            try store.setGoal(nil, userId: owner.id)
            print("\(owner.name) has no goal")
        }
    }
}
