public import Histogram

/// Round-trip percentiles (activity written → its `flow` parsed), in microseconds.
public struct LatencySummary: Sendable, Equatable {
    public var count: UInt64 = 0
    public var p50: UInt64 = 0
    public var p90: UInt64 = 0
    public var p99: UInt64 = 0
    public var p999: UInt64 = 0
    public var max: UInt64 = 0
    public var mean: Double = 0

    public init() {}

    /// Summarises an HDR histogram of microseconds.
    public init(_ histogram: Histogram<UInt64>) {
        count = histogram.totalCount
        guard count > 0 else { return }
        p50 = histogram.valueAtPercentile(50)
        p90 = histogram.valueAtPercentile(90)
        p99 = histogram.valueAtPercentile(99)
        p999 = histogram.valueAtPercentile(99.9)
        max = histogram.max
        mean = histogram.mean
    }

    /// A histogram for round trips: 1 µs to 10 min at three significant digits.
    public static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    }
}
