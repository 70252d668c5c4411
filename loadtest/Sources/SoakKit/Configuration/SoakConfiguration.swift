/// Everything one soak run needs, from a profile (`config/soak/NAME.json`) overridden by
/// command-line flags. Durations are milliseconds unless the name says otherwise.
public struct SoakConfiguration: Sendable, Equatable {
    /// `ws://` or `wss://` URL of the server's `/v1/ws`.
    public var url = "ws://127.0.0.1:8080/v1/ws"
    /// Simulated users (one token each).
    public var users = 25
    /// Editor sessions per user, each on its own connection (the server allows 16 per user).
    public var sessionsPerUser = 4
    /// Dashboard connections in total, spread over the users.
    public var dashboards = 0
    /// Channels every dashboard subscribes to.
    public var channels = ["leaderboard:day:flow_time", "leaderboard:week:coding_time", "stats:me"]
    /// Real time between two activities of a session; 0 sends as fast as answers come back.
    public var intervalMs = 1000
    /// Event-time length of each activity window (`window_ms`; `at_ms` advances by it).
    public var windowMs = 10_000
    /// Activities a session may have awaiting their `flow` at once.
    public var pipeline = 1
    /// With `intervalMs` 0: most activities per second one connection sends (0: no cap).
    /// The server refuses more than `limits.messages_per_second` (200) with `rate_limited`.
    public var maxRatePerConnection = 0.0
    /// Windows after which a session ends (`session.end`, summary checked) and the
    /// connection starts a new one; 0 keeps one session for the whole run.
    public var sessionWindows = 0
    /// How long the load runs before the closing phase, in seconds.
    public var durationSeconds = 60.0
    /// Stop after this many activities in total (0: no bound besides the duration).
    public var messages = 0
    /// New connections opened per second while ramping up.
    public var rampPerSecond = 1000.0
    /// Editor connections dropped (and resumed) per second.
    public var churnPerSecond = 0.0
    /// Source addresses 127.0.0.1…127.0.0.N, one per connection in turn (≈28,000 connections
    /// per address and destination before the ephemeral ports run out).
    public var sourceAddresses = 1
    /// Client event-loop threads.
    public var threads = 2
    /// Offer permessage-deflate.
    public var compression = false
    /// CA bundle to verify a `wss://` server with (the system store when nil).
    public var caFile: String?
    /// Server restarts the run must survive: disconnects and refused connects are then
    /// expected, and sessions are resumed until the end.
    public var expectRestarts = 0
    /// Send each user's routing key on the upgrade (`?route=KEY`, one key per user for all
    /// of their connections), so a balancer that hashes it (HAProxy `balance url_param
    /// route`) sends a user's connections to one node (`--route-key`, profile `"route_key"`).
    public var routeKey = false
    /// Randomised reconnect backoff and timer phase after a resume, as real clients have;
    /// off (`--no-jitter`, profile `"jitter": false`) for the synchronised worst case.
    public var jitter = ReconnectJitter()
    /// An activity without its `flow` after this long is a violation.
    public var answerTimeoutMs = 10_000
    /// Time allowed at the end for answers, `session.end` and summaries.
    public var drainTimeoutMs = 15_000
    /// Seed of the simulated people (their rhythms and phases); session ids stay random.
    public var seed: UInt64 = 1
    /// A non-loopback host the operator explicitly allows as a target.
    public var allowRemoteHost: String?
    /// The server's `/metrics` (`http://HOST:PORT/metrics`), scraped before and after the
    /// load for the server's own answer times (nil: not scraped).
    public var metricsURL: String?
    /// `Authorization: Bearer` for `metricsURL` (the server's `metrics.token`).
    public var metricsToken: String?
    /// Print the progress line every second.
    public var progress = true

    public init() {}

    /// Editor sessions in the run.
    public var sessionCount: Int { users * sessionsPerUser }
}

/// A configuration that cannot run, with a message naming the setting.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension SoakConfiguration {
    /// Checks ranges and the loopback rule; returns the parsed target.
    public func validated() throws(ConfigurationError) -> SoakTarget {
        let target = try SoakTarget(url: url)
        if !target.isLoopback && allowRemoteHost != target.host {
            throw ConfigurationError("\(target.host) is not a loopback address; name it with --allow-remote \(target.host) to load it")
        }
        if users < 0 || sessionsPerUser < 0 || dashboards < 0 { throw ConfigurationError("users, sessions and dashboards must not be negative") }
        if sessionCount + dashboards == 0 { throw ConfigurationError("nothing to run: no sessions and no dashboards") }
        if sessionsPerUser > 16 { throw ConfigurationError("sessions_per_user \(sessionsPerUser) exceeds the server's 16 live sessions per user") }
        if intervalMs < 0 { throw ConfigurationError("interval_ms must not be negative") }
        if windowMs < 1 || windowMs > 3_600_000 { throw ConfigurationError("window_ms must be 1…3600000") }
        if pipeline < 1 { throw ConfigurationError("pipeline must be at least 1") }
        if maxRatePerConnection < 0 { throw ConfigurationError("max_rate_per_connection must not be negative") }
        if durationSeconds <= 0 && messages <= 0 { throw ConfigurationError("the run needs a duration or a message bound") }
        if durationSeconds > 30 * 86_400 { throw ConfigurationError("duration_s is over 30 days") }
        if rampPerSecond <= 0 { throw ConfigurationError("ramp_per_s must be positive") }
        if churnPerSecond < 0 { throw ConfigurationError("churn_per_s must not be negative") }
        if sourceAddresses < 1 || sourceAddresses > 254 { throw ConfigurationError("source_addresses must be 1…254") }
        if sourceAddresses > 1 && !target.isLoopback { throw ConfigurationError("source_addresses > 1 needs a loopback target (127.0.0.0/8)") }
        if threads < 1 || threads > 64 { throw ConfigurationError("threads must be 1…64") }
        if intervalMs == 0 && messages == 0 && durationSeconds <= 0 { throw ConfigurationError("interval 0 needs a bound") }
        if answerTimeoutMs < 1 || drainTimeoutMs < 0 { throw ConfigurationError("answer_timeout_ms must be positive, drain_timeout_ms not negative") }
        if caFile != nil && !target.isSecure { throw ConfigurationError("ca_file is for wss:// URLs") }
        if let metricsURL { _ = try MetricsScrape(url: metricsURL, token: metricsToken) }
        return target
    }
}
