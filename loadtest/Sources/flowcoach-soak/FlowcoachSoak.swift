import ArgumentParser
import SoakKit

/// `flowcoach-soak`: load-tests a Flowcoach server (placeholder until issue 7 lands).
@main
struct FlowcoachSoak: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowcoach-soak", abstract: "Load-test a Flowcoach server.", version: SoakVersion.current)
}
