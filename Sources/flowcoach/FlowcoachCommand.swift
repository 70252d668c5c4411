import CoachingCore
import ArgumentParser

/// `flowcoach`: the real-time flow-coaching server and its tools.
@main
struct FlowcoachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowcoach",
        abstract: "Real-time flow coaching over WebSocket.",
        subcommands: [Serve.self, Replay.self, UserCommand.self, TokenCommand.self, TeamCommand.self, GoalCommand.self, MigrateCommand.self],
        defaultSubcommand: Serve.self
    )
}
