internal import Glibc

/// Wall-clock time (`CLOCK_REALTIME`), for timestamps that leave the process: log lines and
/// the event time of simulated editors. Deadlines use ``MonotonicClock``, which never jumps.
public enum WallClock {
    /// Milliseconds since the Unix epoch.
    public static func nowMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
