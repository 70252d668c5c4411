import FlowEngine
@testable import CoachingCore
import Testing

struct SessionDaysTests {
    @Test("days keep the order first touched, the first inline and the others after it")
    func order() {
        var days = SessionDays()
        #expect(days.count == 0 && !days.contains(day: 0) && Array(days).isEmpty)
        days.update(day: 7) { $0.activeMs += 1 }
        days.update(day: 5) { $0.activeMs += 2 }
        days.update(day: 7) { $0.activeMs += 10 }
        days.update(day: 9) { $0.flowMs += 3 }
        days.update(day: 5) { $0.addLanguage("go", ms: 4) }
        #expect(days.count == 3 && days.contains(day: 5) && !days.contains(day: 6))
        #expect(days.map(\.day) == [7, 5, 9])
        #expect(days.map(\.activeMs) == [11, 2, 0])
        #expect(days.map(\.flowMs) == [0, 0, 3])
        #expect(days.map(\.languageMs) == [[:], ["go": 4], [:]])
    }

    @Test("a session's checkpoint lists its days in the order first touched")
    func checkpointOrder() {
        var coach = UserCoach()
        let live = LiveSession(id: SessionID(high: 1, low: 1), userId: "u", flow: coach.startSession(atMs: 5),
                               startedAtMs: 5, nowMono: 0)
        live.days.update(day: 20_001) { $0.activeMs += 1 }
        live.days.update(day: 20_000) { $0.addLanguage("swift", ms: 2) }
        let checkpoint = live.checkpoint(endMs: 5)
        #expect(checkpoint.days.map(\.day) == [PeriodKeys(daysSinceEpoch: 20_001).day, PeriodKeys(daysSinceEpoch: 20_000).day])
        #expect(checkpoint.days.map(\.languageMs) == [[:], ["swift": 2]])
    }
}
