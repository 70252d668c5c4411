/// When a simulated editor acts after losing its connection.
///
/// Real clients spread themselves out after a drop: each retries after its own randomised
/// backoff, and an editor's window timer keeps its own phase through a reconnect (the
/// editor did not stop typing because the socket broke), so after a server restart the
/// resumed sessions do not all send their next window in the same instant. A soak client
/// that reconnects on a fixed schedule and sends at once on resume turns every restart into
/// a synchronised burst that no real fleet produces. `jitter: false` (`--no-jitter`) keeps
/// that burst on purpose: the worst case a server must survive.
public struct ReconnectJitter: Sendable, Equatable {
    /// Randomise (the default) or not (the synchronised worst case).
    public var enabled: Bool

    public init(enabled: Bool = true) {
        self.enabled = enabled
    }

    /// Backoff before the next connection attempt: 100 ms doubled per failure in a row up
    /// to 5 s; jittered to 50–150 % of that ("equal jitter"), exactly that without jitter.
    public func reconnectDelayMs(failures: Int, using random: inout FastRandom) -> UInt64 {
        let exponent = min(max(failures, 0), 6)
        let baseMs = UInt64(min(100 << exponent, 5_000))
        guard enabled else { return baseMs }
        return baseMs / 2 + random.next() % baseMs
    }

    /// Delay from a (re)started session to its first timed activity. A new session starts
    /// at a random point of one interval so that a ramp does not synchronise the sessions;
    /// a resumed one too (its timer's phase is its own, not the reconnect's) unless jitter
    /// is off, when it sends at once. `intervalNs` 0 (as fast as answers return) has no
    /// timer: always 0.
    public func firstSendDelayNs(resumed: Bool, intervalNs: UInt64, using random: inout FastRandom) -> UInt64 {
        guard intervalNs > 0, enabled || !resumed else { return 0 }
        return random.next() % intervalNs
    }
}
