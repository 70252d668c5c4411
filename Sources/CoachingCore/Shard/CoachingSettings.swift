/// Settings of the coaching service on `/v1/ws` (sessions, limits, authentication,
/// leaderboards). Keys and defaults are listed in config/README.md.
public struct CoachingSettings: Sendable, Equatable {
    /// A dirty live session is checkpointed at least this often (`sessions.checkpoint_interval_ms`).
    public var checkpointIntervalMs: Int64 = 10_000
    /// How long a session whose socket vanished stays resumable (`sessions.resume_window_ms`).
    public var resumeWindowMs: Int64 = 600_000
    /// Live sessions one user may hold (`sessions.max_per_user`).
    public var maxSessionsPerUser: Int = 16
    /// Largest forward jump of `seq` within a session (`sessions.max_seq_gap`): beyond it an
    /// `activity` is `invalid_field`, so one wild seq cannot make every later window a
    /// duplicate. The default exceeds a session's 8 days of 5-second windows.
    public var maxSeqGap: Int64 = 200_000
    /// How far a window's `at_ms` may lie behind the session's latest window
    /// (`sessions.max_clock_skew_ms`): a session's event time moves forward.
    public var maxClockSkewMs: Int64 = 300_000
    /// Token-bucket refill per connection, messages per second (`limits.messages_per_second`).
    public var messagesPerSecond: Int = 200
    /// Token-bucket size (`limits.message_burst`).
    public var messageBurst: Int = 400
    /// Largest application message; larger ones get `too_large` (`limits.max_message_bytes`).
    public var maxMessageBytes: Int = 64 << 10
    /// Subscriptions one connection may hold (`limits.subscriptions_per_connection`).
    public var maxSubscriptionsPerConnection: Int = 32
    /// Authenticated connections one user may hold (`limits.connections_per_user`).
    public var maxConnectionsPerUser: Int = 32
    /// Open connections one IP address may hold (`limits.connections_per_ip`).
    public var maxConnectionsPerIP: Int = 4_096
    /// Time a client without a Bearer header has to send `hello` (`auth.hello_timeout_ms`).
    public var helloTimeoutMs: Int64 = 10_000
    /// How often the server looks for tokens revoked in the store (`auth.revocation_check_ms`):
    /// their open connections are closed with 1008 within about this time.
    public var revocationCheckMs: Int64 = 2_000
    /// Minimum spacing of two events on one channel (`leaderboard.publish_interval_ms`).
    public var publishIntervalMs: Int64 = 1_000
    /// Consecutive rejected messages after which the connection is closed with 1008
    /// (`limits.max_consecutive_errors`): an application error alone never closes it.
    public var maxConsecutiveErrors: Int = 64

    public init() {}
}
