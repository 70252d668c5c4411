internal import Glibc

/// Monotonic time for the loops: a loop reads it when it wakes and when it stamps an event.
/// The pure cores never read a clock; they are handed the time.
public enum MonotonicClock {
    /// Milliseconds since an arbitrary start (the server's deadlines and sweeps).
    @inline(__always)
    public static func nowMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Nanoseconds since an arbitrary start (the soak client's latencies and timers).
    @inline(__always)
    public static func nowNs() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
