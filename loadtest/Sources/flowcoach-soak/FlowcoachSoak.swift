import ArgumentParser
import Glibc
import SoakKit

/// `flowcoach-soak`: puts realistic load on a Flowcoach server and checks what comes back
/// (loadtest/README.md). Profiles live in `config/soak/NAME.json`; flags override them.
@main
struct FlowcoachSoak: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowcoach-soak",
        abstract: "Load-test a Flowcoach server with simulated editors and dashboards, and verify its answers.",
        discussion: """
            Exit status: 0 when the run passed (no violations, no unexpected errors or connection \
            failures), 1 when it did not, 2 when it could not start.
            """,
        version: SoakVersion.current)

    @Option(help: "Profile: config/soak/NAME.json (smoke, steady, peak, c100k, chaos) or a path.")
    var profile: String?

    @Option(help: "Server URL (ws:// or wss://HOST:PORT/v1/ws).")
    var url: String?

    @Option(help: "Simulated users (one token each).")
    var users: Int?

    @Option(help: "Editor sessions per user, one connection each.")
    var sessionsPerUser: Int?

    @Option(help: "Dashboard connections in total.")
    var dashboards: Int?

    @Option(name: .customLong("channel"), help: "Channel every dashboard subscribes to (repeatable; replaces the profile's list).")
    var channels: [String] = []

    @Option(help: "Milliseconds between two activities of a session; 0 sends as fast as answers return.")
    var intervalMs: Int?

    @Option(help: "Event-time length of each activity window (window_ms).")
    var windowMs: Int?

    @Option(help: "Activities a session may have awaiting their flow.")
    var pipeline: Int?

    @Option(help: "With --interval-ms 0: most activities per second per connection (the server allows 200).")
    var maxRate: Double?

    @Option(help: "Windows after which a session ends and a new one starts (0: one session per connection).")
    var sessionWindows: Int?

    @Option(help: "Seconds of load before the closing phase.")
    var duration: Double?

    @Option(help: "Stop after this many activities in total.")
    var messages: Int?

    @Option(help: "New connections per second while ramping up.")
    var ramp: Double?

    @Option(help: "Editor connections dropped and resumed per second.")
    var churn: Double?

    @Option(help: "Source addresses 127.0.0.1…N (past the ephemeral-port limit).")
    var sourceAddresses: Int?

    @Option(help: "Client event-loop threads.")
    var threads: Int?

    @Flag(inversion: .prefixedNo, help: "Offer permessage-deflate.")
    var compression: Bool?

    @Option(help: "CA bundle for wss:// (default: the system store).")
    var caFile: String?

    @Option(help: "Server restarts to tolerate: disconnects and refused connects are not failures.")
    var expectRestarts: Int?

    @Flag(help: "Send each user's routing key on the upgrade (?route=KEY) for a balancer that hashes it (several nodes).")
    var routeKey = false

    @Flag(inversion: .prefixedNo, help: "Randomise reconnect backoff and the timer phase of resumed sessions, as real clients do (--no-jitter: the synchronised worst case).")
    var jitter: Bool?

    @Option(help: "An activity without its flow after this many ms is a violation.")
    var answerTimeoutMs: Int?

    @Option(help: "Milliseconds allowed at the end for answers, session.end and summaries.")
    var drainTimeoutMs: Int?

    @Option(help: "Seed of the simulated people.")
    var seed: UInt64?

    @Option(help: "Allow this non-loopback host as the target.")
    var allowRemote: String?

    @Option(help: "Token file: one line per user, 'INGEST_TOKEN [READ_TOKEN]'. With --create-users, written.")
    var tokenFile: String?

    @Option(help: "Create this many users and tokens with the admin commands (needs --flowcoach-bin and --database).")
    var createUsers: Int?

    @Option(help: "The flowcoach executable for --create-users.")
    var flowcoachBin: String?

    @Option(help: "The server's SQLite store for --create-users.")
    var database: String?

    @Option(help: "Server process id: report its RSS and CPU from /proc.")
    var serverPid: Int32?

    @Option(help: "The server's /metrics (http://HOST:PORT/metrics): its own answer times, read before and after the load, reported beside the round trip.")
    var serverMetrics: String?

    @Option(help: "Bearer token for --server-metrics (the server's metrics.token).")
    var metricsToken: String?

    @Option(help: "Write the report as JSON to this file.")
    var json: String?

    @Flag(help: "No progress line.")
    var quiet = false

    func run() throws {
        do {
            let report = try runSoak()
            print(report.text())
            if let json, !FileBytes.write(report.jsonBytes(), to: json) {
                printError("cannot write \(json)")
                throw ExitCode(2)
            }
            if !report.passed { throw ExitCode(1) }
        } catch let error as SetupError {
            printError("flowcoach-soak: \(error.message)")
            throw ExitCode(2)
        }
    }

    struct SetupError: Error {
        var message: String
    }

    private func runSoak() throws -> SoakReport {
        var configuration = SoakConfiguration()
        if let profile {
            let candidates = SoakConfiguration.profileCandidates(
                name: profile, workingDirectory: Self.workingDirectory(), executablePath: CommandLine.arguments[0])
            guard let path = candidates.first(where: { access($0, R_OK) == 0 }), let bytes = FileBytes.read(path) else {
                throw SetupError(message: "profile \(profile) not found (looked in \(candidates.joined(separator: ", ")))")
            }
            do { try configuration.apply(profile: bytes, name: profile) } catch { throw SetupError(message: error.description) }
        }
        applyFlags(to: &configuration)
        configuration.progress = !quiet

        let tokens = try loadTokens(&configuration)
        let runner = SoakRunner(configuration: configuration, profileName: profile, tokens: tokens, serverPID: serverPid)
        do {
            return try runner.run()
        } catch {
            throw SetupError(message: error.description)
        }
    }

    private func applyFlags(to configuration: inout SoakConfiguration) {
        if let url { configuration.url = url }
        if let users { configuration.users = users }
        if let sessionsPerUser { configuration.sessionsPerUser = sessionsPerUser }
        if let dashboards { configuration.dashboards = dashboards }
        if !channels.isEmpty { configuration.channels = channels }
        if let intervalMs { configuration.intervalMs = intervalMs }
        if let windowMs { configuration.windowMs = windowMs }
        if let pipeline { configuration.pipeline = pipeline }
        if let maxRate { configuration.maxRatePerConnection = maxRate }
        if let sessionWindows { configuration.sessionWindows = sessionWindows }
        if let duration { configuration.durationSeconds = duration }
        if let messages { configuration.messages = messages }
        if let ramp { configuration.rampPerSecond = ramp }
        if let churn { configuration.churnPerSecond = churn }
        if let sourceAddresses { configuration.sourceAddresses = sourceAddresses }
        if let threads { configuration.threads = threads }
        if let compression { configuration.compression = compression }
        if let caFile { configuration.caFile = caFile }
        if let expectRestarts { configuration.expectRestarts = expectRestarts }
        if let jitter { configuration.jitter.enabled = jitter }
        if routeKey { configuration.routeKey = true }
        if let answerTimeoutMs { configuration.answerTimeoutMs = answerTimeoutMs }
        if let drainTimeoutMs { configuration.drainTimeoutMs = drainTimeoutMs }
        if let seed { configuration.seed = seed }
        if let allowRemote { configuration.allowRemoteHost = allowRemote }
        if let serverMetrics { configuration.metricsURL = serverMetrics }
        if let metricsToken { configuration.metricsToken = metricsToken }
    }

    /// Tokens from --create-users (written to --token-file when given) or from --token-file.
    private func loadTokens(_ configuration: inout SoakConfiguration) throws -> SoakTokens {
        if let createUsers {
            guard let flowcoachBin, let database else {
                throw SetupError(message: "--create-users needs --flowcoach-bin and --database")
            }
            if users == nil { configuration.users = createUsers }
            let provisioner = TokenProvisioner(flowcoachBinary: flowcoachBin, databasePath: database, namePrefix: TokenProvisioner.randomPrefix())
            printError("creating \(createUsers) users and tokens with \(flowcoachBin)…")
            let readTokens = Swift.min(configuration.dashboards, createUsers)
            let tokens: SoakTokens
            do {
                tokens = try provisioner.provision(users: createUsers, readTokens: readTokens)
            } catch {
                throw SetupError(message: "creating users: \(error)")
            }
            if let tokenFile, !FileBytes.write(Array(tokens.fileContents.utf8), to: tokenFile) {
                throw SetupError(message: "cannot write \(tokenFile)")
            }
            return tokens
        }
        if let tokenFile {
            guard let bytes = FileBytes.read(tokenFile) else { throw SetupError(message: "cannot read token file \(tokenFile)") }
            return SoakTokens(fileContents: String(decoding: bytes, as: UTF8.self))
        }
        throw SetupError(message: "no tokens: give --token-file FILE or --create-users N --flowcoach-bin PATH --database PATH")
    }

    private static func workingDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
