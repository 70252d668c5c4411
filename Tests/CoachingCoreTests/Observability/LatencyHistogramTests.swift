import CoachingCore
import Testing

struct LatencyHistogramTests {
    @Test("an observation lands in the first bucket whose upper bound holds it; past 1 s in +Inf")
    func buckets() {
        let histogram = LatencyHistogram()
        histogram.record(40_000)  // 40 µs
        histogram.record(50_000)  // exactly 50 µs: `le` is inclusive
        histogram.record(1_999_999, count: 3)
        histogram.record(2_000_001)
        histogram.record(5_000_000_000)  // 5 s
        let snapshot = histogram.snapshot()
        let bounds = LatencyHistogram.upperBoundsNs
        #expect(snapshot.counts.count == bounds.count + 1)
        #expect(snapshot.counts[0] == 2)
        #expect(snapshot.counts[bounds.firstIndex(of: 2_000_000) ?? -1] == 3)
        #expect(snapshot.counts[bounds.firstIndex(of: 3_000_000) ?? -1] == 1)
        #expect(snapshot.counts[bounds.count] == 1)
        #expect(snapshot.total == 7)
        #expect(snapshot.sumNs == 40_000 + 50_000 + 3 * 1_999_999 + 2_000_001 + 5_000_000_000)
    }

    @Test("the bounds rise from 50 µs to 1 s and fit the bucket count")
    func bounds() {
        let bounds = LatencyHistogram.upperBoundsNs
        #expect(bounds.first == 50_000 && bounds.last == 1_000_000_000)
        #expect(bounds == bounds.sorted() && Set(bounds).count == bounds.count)
        #expect(LatencyHistogram.bucketCount == bounds.count + 1)
    }

    @Test("loops' snapshots merge bucket by bucket")
    func merge() {
        let first = LatencyHistogram()
        let second = LatencyHistogram()
        first.record(60_000)
        second.record(60_000, count: 2)
        second.record(900_000)
        var merged = first.snapshot()
        merged.add(second.snapshot())
        #expect(merged.counts[1] == 3)
        #expect(merged.total == 4)
        #expect(merged.sumNs == 3 * 60_000 + 900_000)
    }
}
