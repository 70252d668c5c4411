/// When an input happened, as the shell read its clocks: the shard reads none itself.
public struct CoachingTime: Sendable, Hashable {
    /// Monotonic milliseconds: timers, the resume window, rate limits.
    public var monotonicMs: Int64
    /// Wall-clock milliseconds since the epoch: bounds on the client's `at_ms`,
    /// `server_time`, the current day of `stats:me`.
    public var wallMs: Int64

    public init(monotonicMs: Int64, wallMs: Int64) {
        self.monotonicMs = monotonicMs
        self.wallMs = wallMs
    }
}
