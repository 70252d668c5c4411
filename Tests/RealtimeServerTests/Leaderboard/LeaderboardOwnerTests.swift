import LoopKit
import CoachingTestSupport
@testable import CoachingCore
import Synchronization
import Testing

@testable import RealtimeServer

/// The owner thread's plumbing: inbox, injected clock, sink, snapshot cache.
struct LeaderboardOwnerTests {
    typealias F = LeaderboardFixture

    /// A clock the test moves by hand (2026-11-22T10:00:00Z at start).
    final class TestClock: Sendable {
        let ms = Atomic<Int64>(1_795_341_600_000)
        func advance(_ delta: Int64) { ms.add(delta, ordering: .relaxed) }
        func now() -> Int64 { ms.load(ordering: .relaxed) }
    }

    /// Collects what the sink receives.
    final class Collected: Sendable {
        let events = Mutex<[ChannelEvent]>([])
        func take() -> [ChannelEvent] { events.withLock { let all = $0; $0.removeAll(); return all } }
    }

    func makeOwner(_ clock: TestClock, _ collected: Collected) -> LeaderboardOwner {
        LeaderboardOwner(nowMs: { clock.now() }, sink: { event in collected.events.withLock { $0.append(event) } })
    }

    @Test("posted inputs are applied on the next tick and published through the sink, at most once a second")
    func ticks() {
        let clock = TestClock(), collected = Collected()
        let owner = makeOwner(clock, collected)
        owner.post(F.score("ada", coding: 10))
        #expect(owner.tick() == 3)
        #expect(collected.take().map(\.key).contains(F.board(.day, .codingTime)))
        owner.post(F.score("ada", coding: 10))
        clock.advance(250)
        #expect(owner.tick() == 0)
        clock.advance(750)
        #expect(owner.tick() == 3)
        #expect(F.rows(collected.take().first { $0.key == F.board(.day, .codingTime) }).map(\.1) == [20])
        clock.advance(5_000)
        #expect(owner.tick() == 0)
    }

    @Test("latest(for:) serves the last published event, or an empty board before the first")
    func latest() {
        let clock = TestClock(), collected = Collected()
        let owner = makeOwner(clock, collected)
        let key = F.board(.week, .flowTime, "swift")
        #expect(F.rows(owner.latest(for: key)).isEmpty)
        #expect(owner.latest(for: .userStats(userId: "ada")) == nil)
        owner.post(F.score("ada", flow: 42, language: "swift", periods: PeriodKeys(utcMs: clock.now())))
        owner.tick()
        #expect(F.rows(owner.latest(for: key)).map(\.1) == [42])
        #expect(owner.latest(for: key) === collected.take().first { $0.key == key })
    }

    @Test("the clock rolls the day over without any input")
    func clockRollover() {
        let clock = TestClock(), collected = Collected()
        let owner = makeOwner(clock, collected)
        owner.post(F.score("ada", coding: 5, periods: PeriodKeys(utcMs: clock.now())))
        owner.tick()
        _ = collected.take()
        clock.advance(14 * 3_600_000)  // 2026-11-23T00:00Z
        owner.tick()
        let day = collected.take().first { $0.key == F.board(.day, .codingTime) }
        #expect(day != nil && F.rows(day).isEmpty)
    }

    @Test("a full inbox refuses and counts inputs instead of growing")
    func boundedInbox() {
        let clock = TestClock(), collected = Collected()
        let owner = LeaderboardOwner(
            configuration: LeaderboardConfiguration(maxQueuedInputs: 2), nowMs: { clock.now() },
            sink: { event in collected.events.withLock { $0.append(event) } })
        let accepted = (0..<3).map { owner.post(F.score("u\($0)", coding: 1)) }
        #expect(accepted == [true, true, false])
        #expect(owner.droppedInputs == 1)
    }

    @Test("the owner thread publishes on its own and stops cleanly")
    func thread() async throws {
        let collected = Collected()
        let owner = LeaderboardOwner(
            configuration: LeaderboardConfiguration(tickIntervalMs: 10),
            sink: { event in collected.events.withLock { $0.append(event) } })
        try owner.start()
        owner.post(F.score("ada", coding: 10, periods: PeriodKeys(utcMs: WallClock.nowMs())))
        var waited = 0
        while collected.events.withLock({ $0.isEmpty }) && waited < 200 {
            try await Task.sleep(nanoseconds: 10_000_000)
            waited += 1
        }
        owner.stop()
        #expect(collected.take().contains { $0.key == F.board(.day, .codingTime) })
    }
}
