@testable import CoachingCore
import Testing

struct TokenBucketTests {
    /// Takes `count` times at `nowMs`; returns how many were allowed.
    private func take(_ bucket: inout TokenBucket, _ count: Int = 1, at nowMs: Int64, perSecond: Int, burst: Int) -> Int {
        (0..<count).filter { _ in bucket.take(nowMs: nowMs, perSecond: perSecond, burst: burst) }.count
    }

    @Test("a full bucket allows exactly the burst, then refuses")
    func burst() {
        var bucket = TokenBucket(nowMs: 0, burst: 5)
        #expect(take(&bucket, 8, at: 0, perSecond: 10, burst: 5) == 5)
    }

    @Test("tokens come back at the configured rate and never exceed the burst")
    func refill() {
        var bucket = TokenBucket(nowMs: 0, burst: 2)
        #expect(take(&bucket, 2, at: 0, perSecond: 10, burst: 2) == 2)
        #expect(take(&bucket, at: 50, perSecond: 10, burst: 2) == 0)  // half a token
        #expect(take(&bucket, at: 100, perSecond: 10, burst: 2) == 1)  // one token after 100 ms at 10/s
        #expect(take(&bucket, 5, at: 60_000, perSecond: 10, burst: 2) == 2)  // a long pause refills to the burst only
    }

    @Test("a clock that goes backwards adds nothing")
    func backwardsClock() {
        var bucket = TokenBucket(nowMs: 1_000, burst: 1)
        #expect(take(&bucket, at: 1_000, perSecond: 1, burst: 1) == 1)
        #expect(take(&bucket, at: 0, perSecond: 1, burst: 1) == 0)
    }
}
