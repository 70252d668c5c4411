import Synchronization

/// A latency histogram with fixed, log-spaced buckets (50 µs … 1 s, six per decade), for
/// Prometheus: written by one thread (its loop), read by whichever thread renders `/metrics`.
///
/// One writer, so a count moves with a relaxed load and a relaxed store — plain moves on
/// x86-64 and arm64, no locked read-modify-write — and a reader on another thread sees each
/// count whole (it may see one bucket a message ahead of another; a scrape is a sample).
/// The times it records are inputs (nanoseconds), like every time in this module.
public final class LatencyHistogram: Sendable {
    /// Upper bounds of the finite buckets, in nanoseconds (`le` in seconds on `/metrics`):
    /// 1, 1.5, 2, 3, 5 and 7.5 of each decade from 50 µs to 1 s. Fine enough around the
    /// 1–2 ms that matter for the coaching round trip to tell 1.5 from 2 from 3 ms.
    public static let upperBoundsNs: [Int] = [
        50_000, 75_000,
        100_000, 150_000, 200_000, 300_000, 500_000, 750_000,
        1_000_000, 1_500_000, 2_000_000, 3_000_000, 5_000_000, 7_500_000,
        10_000_000, 15_000_000, 20_000_000, 30_000_000, 50_000_000, 75_000_000,
        100_000_000, 150_000_000, 200_000_000, 300_000_000, 500_000_000, 750_000_000,
        1_000_000_000,
    ]

    /// Buckets including `+Inf`: one more than ``upperBoundsNs``.
    public static let bucketCount = 28

    /// Observations per bucket, not cumulative; the last one is `+Inf` (above 1 s). Inline,
    /// so the class is one allocation and a count is one load from it.
    private let counts = InlineArray<28, Atomic<Int>> { _ in Atomic<Int>(0) }
    private let sumNs = Atomic<Int>(0)

    public init() {}

    /// Records `count` observations of `durationNs` (several answers handed to the kernel by
    /// one write took the same time). Call only from the owning thread.
    @inline(__always)
    public func record(_ durationNs: Int, count: Int = 1) {
        var index = 0
        let bounds = Self.upperBoundsNs
        // Most answers fall in the first few buckets: a forward scan stops there.
        while index < bounds.count && durationNs > bounds[index] { index += 1 }
        counts[index].store(counts[index].load(ordering: .relaxed) &+ count, ordering: .relaxed)
        sumNs.store(sumNs.load(ordering: .relaxed) &+ durationNs &* count, ordering: .relaxed)
    }

    /// What a scrape reads: counts per bucket (not cumulative, `+Inf` last) and the sum.
    public struct Snapshot: Sendable, Equatable {
        public var counts: [Int]
        public var sumNs: Int

        /// An empty snapshot with one count per bucket of ``LatencyHistogram``.
        public init() {
            counts = Array(repeating: 0, count: LatencyHistogram.bucketCount)
            sumNs = 0
        }

        /// Observations in all buckets.
        public var total: Int { counts.reduce(0, &+) }

        /// Adds another loop's counts (the loops are merged when `/metrics` is scraped).
        public mutating func add(_ other: Snapshot) {
            for index in counts.indices { counts[index] &+= other.counts[index] }
            sumNs &+= other.sumNs
        }
    }

    /// The counts now (relaxed loads; the writer may move on meanwhile).
    public func snapshot() -> Snapshot {
        var snapshot = Snapshot()
        for index in 0..<Self.bucketCount { snapshot.counts[index] = counts[index].load(ordering: .relaxed) }
        snapshot.sumNs = sumNs.load(ordering: .relaxed)
        return snapshot
    }
}
