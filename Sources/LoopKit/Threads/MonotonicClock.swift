import Glibc

/// Monotonic milliseconds, read once per loop iteration (never inside the pure cores).
enum MonotonicClock {
    @inline(__always)
    static func nowMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
