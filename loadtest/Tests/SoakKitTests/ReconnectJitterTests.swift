import SoakKit
import Testing

struct ReconnectJitterTests {
    @Test("with jitter, reconnect delays spread over 50–150 % of the backoff and differ between clients")
    func jitteredBackoff() {
        let jitter = ReconnectJitter()
        var random = FastRandom(seed: 7)
        var delays = Set<UInt64>()
        for _ in 0..<200 {
            let delay = jitter.reconnectDelayMs(failures: 3, using: &random)
            #expect(delay >= 400 && delay < 1_200)
            delays.insert(delay)
        }
        #expect(delays.count > 100)
    }

    @Test("without jitter, every client waits exactly the backoff: 100 ms doubled per failure, at most 5 s")
    func fixedBackoff() {
        let jitter = ReconnectJitter(enabled: false)
        var random = FastRandom(seed: 7)
        #expect(jitter.reconnectDelayMs(failures: 0, using: &random) == 100)
        #expect(jitter.reconnectDelayMs(failures: 2, using: &random) == 400)
        #expect(jitter.reconnectDelayMs(failures: 6, using: &random) == 5_000)
        #expect(jitter.reconnectDelayMs(failures: 40, using: &random) == 5_000)
    }

    @Test("with jitter, a resumed session's first activity falls anywhere in one interval, as a new session's does")
    func resumedSessionsSpread() {
        let jitter = ReconnectJitter()
        var random = FastRandom(seed: 11)
        let intervalNs: UInt64 = 5_000_000_000
        var delays: [UInt64] = []
        for _ in 0..<1_000 { delays.append(jitter.firstSendDelayNs(resumed: true, intervalNs: intervalNs, using: &random)) }
        #expect(delays.allSatisfy { $0 < intervalNs })
        // Spread: some in each fifth of the interval.
        for fifth in 0..<5 {
            let low = intervalNs / 5 * UInt64(fifth)
            #expect(delays.contains { $0 >= low && $0 < low + intervalNs / 5 })
        }
    }

    @Test("without jitter, a resumed session sends at once; a new one is still spread over its interval")
    func noJitterIsSynchronised() {
        let jitter = ReconnectJitter(enabled: false)
        var random = FastRandom(seed: 11)
        #expect(jitter.firstSendDelayNs(resumed: true, intervalNs: 5_000_000_000, using: &random) == 0)
        let spread = (0..<50).map { _ in jitter.firstSendDelayNs(resumed: false, intervalNs: 5_000_000_000, using: &random) }
        #expect(Set(spread).count > 40)
    }

    @Test("as fast as answers return (interval 0) there is no timer to jitter")
    func noInterval() {
        var random = FastRandom(seed: 1)
        #expect(ReconnectJitter().firstSendDelayNs(resumed: true, intervalNs: 0, using: &random) == 0)
        #expect(ReconnectJitter().firstSendDelayNs(resumed: false, intervalNs: 0, using: &random) == 0)
    }
}
