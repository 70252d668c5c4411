/// Tunables of the leaderboards, with the protocol's defaults.
public struct LeaderboardConfiguration: Sendable {
    /// Rows in a published board (PROTOCOL.md: top 50).
    public var topCount: Int
    /// Minimum spacing of two publications on one channel (PROTOCOL.md: at most once a
    /// second).
    public var minPublishIntervalMs: Int64
    /// How often the owner thread wakes to apply inputs and publish.
    public var tickIntervalMs: Int64
    /// Language boards per period key; time in further languages counts on global boards
    /// only (bounds memory against clients that invent languages).
    public var maxLanguagesPerPeriod: Int
    /// Period keys later than the current one that may collect contributions (users in
    /// time zones ahead of the leaderboard calendar); later keys are ignored.
    public var maxFuturePeriodKeys: Int
    /// Inputs waiting for the owner; beyond this, inputs are dropped and counted (the
    /// store stays exact; the boards are rebuilt from it at the next start).
    public var maxQueuedInputs: Int

    public init(
        topCount: Int = 50, minPublishIntervalMs: Int64 = 1000, tickIntervalMs: Int64 = 250,
        maxLanguagesPerPeriod: Int = 256, maxFuturePeriodKeys: Int = 2, maxQueuedInputs: Int = 1 << 20
    ) {
        self.topCount = topCount
        self.minPublishIntervalMs = minPublishIntervalMs
        self.tickIntervalMs = tickIntervalMs
        self.maxLanguagesPerPeriod = maxLanguagesPerPeriod
        self.maxFuturePeriodKeys = maxFuturePeriodKeys
        self.maxQueuedInputs = maxQueuedInputs
    }
}
