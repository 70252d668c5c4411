/// Checks PROTOCOL.md's promise for a subscribed channel: the snapshot at once, then an
/// `event` at most once a second.
///
/// Arrival times jitter (two events published 1 s apart may be read in one batch after a
/// busy moment), so the check is a token bucket rather than a minimum gap: one event per
/// `intervalMs` with a burst of `burst`. A server publishing twice a second is caught
/// within a few seconds; a jittery but correct one never is.
///
/// The server sends a leaderboard update as two events: the shared snapshot (`top`), then
/// the subscriber's own rank (`{"own": …}`) at once. The first own-rank event after a
/// shared one is counted as part of that update, whatever the arrival jitter; a second
/// own-rank event in a row counts on its own.
public struct ChannelRateCheck: Sendable, Equatable {
    /// The channel.
    public let channel: String
    /// The promised minimum spacing.
    public let intervalMs: Int64
    /// Events tolerated in a burst.
    public let burst: Int64
    /// Whether the snapshot event has arrived.
    public private(set) var sawSnapshot = false
    /// Events after the snapshot.
    public private(set) var events: Int64 = 0
    /// Own-rank events counted as part of the update before them.
    public private(set) var companions: Int64 = 0
    /// The previous event was a shared update still without its own-rank companion.
    private var awaitingCompanion = false
    private var allowance: Double
    private var lastMs: Int64 = 0

    public init(channel: String, intervalMs: Int64 = 1000, burst: Int64 = 2) {
        self.channel = channel
        self.intervalMs = intervalMs
        self.burst = burst
        self.allowance = Double(burst)
    }

    /// Handles an `event` received at `nowMs` (monotonic); returns a finding when the
    /// channel is faster than promised.
    public mutating func receivedEvent(nowMs: Int64, ownRankOnly: Bool = false) -> SessionLedger.Finding? {
        if ownRankOnly && awaitingCompanion {
            awaitingCompanion = false
            companions += 1
            return nil
        }
        awaitingCompanion = !ownRankOnly
        guard sawSnapshot else {
            sawSnapshot = true
            lastMs = nowMs
            return nil
        }
        events += 1
        allowance = Swift.min(Double(burst), allowance + Double(nowMs - lastMs) / Double(intervalMs))
        lastMs = nowMs
        allowance -= 1
        guard allowance < 0 else { return nil }
        allowance = 0
        return SessionLedger.Finding(.channelEventRate, "channel \(channel): more than one event per \(intervalMs) ms "
            + "(\(events) events since the snapshot)")
    }
}
