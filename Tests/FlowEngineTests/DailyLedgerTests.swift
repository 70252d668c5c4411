import FlowEngine
import Testing

struct DailyLedgerTests {
    static let hour: Int64 = 3_600_000
    static let minute: Int64 = 60_000
    /// 2025-11-13 00:00 UTC, a local midnight at offset 0.
    static let midnight: Int64 = 1_762_992_000_000

    /// Feeds `minutes` of 60-s typing windows from `from`, with a fixed score.
    static func feed(_ ledger: inout DailyLedger, from: Int64, minutes: Int, score: Double = 0.8,
                     offset: Int64 = 0, language: String? = "swift", project: String? = "flowcoach") -> Int64 {
        var at = from
        for _ in 0..<minutes {
            at += 60_000
            let window = ActivityWindow(atMs: at, windowMs: 60_000, keystrokes: 100, focusMs: 60_000)
            var assessment = FlowAssessment.initial(atMs: at)
            assessment.intensity = score
            ledger.record(window, assessment: assessment, flowDeltaMs: 0, project: project, language: language,
                          utcOffsetMs: offset)
        }
        return at
    }

    @Test("a day adds active, coding, language and project time, counted once across sessions")
    func dayTotals() {
        var ledger = DailyLedger()
        ledger.recordSessionStart(atMs: Self.midnight + 9 * Self.hour, utcOffsetMs: 0)
        _ = Self.feed(&ledger, from: Self.midnight + 9 * Self.hour, minutes: 30)
        // A second session over the same half hour adds nothing.
        _ = Self.feed(&ledger, from: Self.midnight + 9 * Self.hour, minutes: 30, language: "rust")
        let today = ledger.today
        #expect(today?.activeMs == 30 * Self.minute)
        #expect(today?.codingMs == 30 * Self.minute)
        #expect(today?.languages["swift"] == 30 * Self.minute)
        #expect(today?.languages["rust"] == 0)
        #expect(today?.projects["flowcoach"] == 30 * Self.minute)
        #expect(today?.sessions == 1)
        #expect(abs((today?.focusScore ?? 0) - 0.8) < 1e-9)
    }

    @Test("the language map is bounded")
    func boundedLanguages() {
        var ledger = DailyLedger()
        var at = Self.midnight + 9 * Self.hour
        for index in 0..<100 {
            at = Self.feed(&ledger, from: at, minutes: 1, language: "lang\(index)")
        }
        #expect(ledger.today?.languages.count == 17)
        #expect(ledger.today?.languages[BoundedTally.otherKey] == 84 * Self.minute)
    }

    @Test("the streak counts consecutive days meeting the 1 h goal; today counts once met")
    func streak() {
        var ledger = DailyLedger()
        for day in 0..<3 {
            _ = Self.feed(&ledger, from: Self.midnight + Int64(day) * LocalTime.dayMs + 9 * Self.hour, minutes: 70)
        }
        #expect(ledger.streakDays == 3)
        _ = Self.feed(&ledger, from: Self.midnight + 3 * LocalTime.dayMs + 9 * Self.hour, minutes: 30)
        #expect(ledger.streakDays == 3)
        _ = Self.feed(&ledger, from: Self.midnight + 3 * LocalTime.dayMs + 10 * Self.hour, minutes: 30)
        #expect(ledger.streakDays == 4)
        // A missed day breaks it.
        _ = Self.feed(&ledger, from: Self.midnight + 5 * LocalTime.dayMs + 9 * Self.hour, minutes: 70)
        #expect(ledger.streakDays == 1)
    }

    @Test("local days follow the caller's UTC offset")
    func localDays() {
        var ledger = DailyLedger()
        // 23:30 UTC is 01:30 the next day at UTC+2.
        _ = Self.feed(&ledger, from: Self.midnight + 23 * Self.hour + 30 * Self.minute, minutes: 10, offset: 2 * Self.hour)
        #expect(ledger.today?.day == Self.midnight / LocalTime.dayMs + 1)
        #expect(ledger.today?.lateNightMs == 10 * Self.minute)
    }

    @Test("wellbeing: long days, late nights, many consecutive days, a falling focus trend")
    func wellbeing() {
        var ledger = DailyLedger()
        for day in 0..<11 {
            let score = 0.9 - 0.05 * Double(day)
            _ = Self.feed(&ledger, from: Self.midnight + Int64(day) * LocalTime.dayMs + 9 * Self.hour,
                          minutes: 60, score: score)
        }
        var indicators = ledger.wellbeing
        #expect(indicators.consecutiveDays == 11)
        #expect(indicators.manyConsecutiveDays)
        #expect(indicators.fallingFocusTrend)
        #expect(abs(indicators.focusTrendPerDay + 0.05) < 1e-6)
        #expect(!indicators.longDay)
        #expect(!indicators.lateNight)
        _ = Self.feed(&ledger, from: Self.midnight + 10 * LocalTime.dayMs + 13 * Self.hour + 30 * Self.minute,
                      minutes: 10 * 60)
        indicators = ledger.wellbeing
        #expect(indicators.longDay)
        #expect(indicators.lateNight)
    }

    @Test("flow events of the day: periods, interruptions, recovery")
    func flowEvents() {
        var ledger = DailyLedger()
        let at = Self.midnight + 9 * Self.hour
        let period = FlowPeriod(startMs: at, endMs: at + 600_000, meanIntensity: 0.8, peakIntensity: 0.9,
                                endReason: .idleGap)
        ledger.recordFlow(deltaMs: 600_000, endedPeriod: period, recoveryMs: nil, atMs: at, utcOffsetMs: 0)
        ledger.recordFlow(deltaMs: 0, endedPeriod: nil, recoveryMs: 240_000, atMs: at, utcOffsetMs: 0)
        ledger.recordFlow(deltaMs: 0, endedPeriod: nil, recoveryMs: 120_000, atMs: at, utcOffsetMs: 0)
        #expect(ledger.today?.flowMs == 600_000)
        #expect(ledger.today?.flowPeriods == 1)
        #expect(ledger.today?.interruptions == 1)
        #expect(ledger.today?.meanRecoveryMs == 180_000)
    }
}
