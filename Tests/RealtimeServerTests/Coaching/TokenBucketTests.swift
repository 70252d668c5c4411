@testable import RealtimeServer
import Testing

struct TokenBucketTests {
    @Test("a full bucket allows exactly the burst, then refuses")
    func burst() {
        var bucket = TokenBucket(nowMs: 0, burst: 5)
        let allowed = (0..<8).filter { _ in bucket.take(nowMs: 0, perSecond: 10, burst: 5) }.count
        #expect(allowed == 5)
    }

    @Test("tokens come back at the configured rate and never exceed the burst")
    func refill() {
        var bucket = TokenBucket(nowMs: 0, burst: 2)
        #expect(bucket.take(nowMs: 0, perSecond: 10, burst: 2))
        #expect(bucket.take(nowMs: 0, perSecond: 10, burst: 2))
        #expect(!bucket.take(nowMs: 50, perSecond: 10, burst: 2))  // half a token
        #expect(bucket.take(nowMs: 100, perSecond: 10, burst: 2))  // one token after 100 ms at 10/s
        // A long pause refills to the burst only.
        let afterPause = (0..<5).filter { _ in bucket.take(nowMs: 60_000, perSecond: 10, burst: 2) }.count
        #expect(afterPause == 2)
    }

    @Test("a clock that goes backwards adds nothing")
    func backwardsClock() {
        var bucket = TokenBucket(nowMs: 1_000, burst: 1)
        #expect(bucket.take(nowMs: 1_000, perSecond: 1, burst: 1))
        #expect(!bucket.take(nowMs: 0, perSecond: 1, burst: 1))
    }
}
