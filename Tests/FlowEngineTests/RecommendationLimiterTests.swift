import Testing

@testable import FlowEngine

/// The limiter: each kind at most once per cooldown, the most urgent first, in 40 bytes.
struct RecommendationLimiterTests {
    let cooldown = Milliseconds.minutes(10)

    @Test("a kind comes back only after its cooldown, measured to the millisecond; other kinds are not held back")
    func cooldownPerKind() {
        var limiter = RecommendationLimiter()
        let start: Int64 = 1_764_000_000_000
        #expect(limiter.select(from: [.useFocusMode], atMs: start, cooldown: cooldown) == [.useFocusMode])
        #expect(limiter.select(from: [.useFocusMode], atMs: start + 599_999, cooldown: cooldown).isEmpty)
        #expect(limiter.select(from: [.useFocusMode, .protectFlow], atMs: start + 1_000, cooldown: cooldown) == [.protectFlow])
        #expect(limiter.select(from: [.useFocusMode], atMs: start + 600_000, cooldown: cooldown) == [.useFocusMode])
    }

    @Test("of several candidates the most urgent whose cooldown passed is chosen")
    func priority() {
        var limiter = RecommendationLimiter()
        let all: RecommendationSet = [.resetWithShortBreak, .pauseAfterLongStretch, .protectFlow]
        #expect(limiter.select(from: all, atMs: 0, cooldown: cooldown) == [.pauseAfterLongStretch])
        #expect(limiter.select(from: all, atMs: 1, cooldown: cooldown) == [.protectFlow])
        #expect(limiter.select(from: all, atMs: 2, cooldown: cooldown) == [.resetWithShortBreak])
        #expect(limiter.select(from: all, atMs: 3, cooldown: cooldown).isEmpty)
    }

    @Test("times 30 days apart (past a 32-bit offset) still limit, and equal histories compare equal")
    func farApart() {
        var limiter = RecommendationLimiter()
        let day: Int64 = 86_400_000
        #expect(limiter.select(from: [.easeBackIn], atMs: 0, cooldown: cooldown) == [.easeBackIn])
        #expect(limiter.select(from: [.breakAfterFlow], atMs: 30 * day, cooldown: cooldown) == [.breakAfterFlow])
        #expect(limiter.select(from: [.breakAfterFlow], atMs: 30 * day + 1, cooldown: cooldown).isEmpty)
        #expect(limiter.select(from: [.easeBackIn], atMs: 30 * day + 2, cooldown: cooldown) == [.easeBackIn])
        #expect(limiter.select(from: [.easeBackIn], atMs: 30 * day + 3, cooldown: cooldown).isEmpty)
        var other = RecommendationLimiter()
        _ = other.select(from: [.breakAfterFlow], atMs: 30 * day, cooldown: cooldown)
        _ = other.select(from: [.easeBackIn], atMs: 30 * day + 2, cooldown: cooldown)
        #expect(limiter == other)
    }

    @Test("a limiter takes 40 bytes (it was 64): every live session holds one")
    func size() {
        #expect(MemoryLayout<RecommendationLimiter>.size == 40)
    }
}
