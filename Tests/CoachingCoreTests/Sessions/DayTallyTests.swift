import CoachingCore
@testable import CoachingCore
import Testing

struct DayTallyTests {
    @Test("day index follows the user's UTC offset, also before the epoch")
    func dayIndex() {
        let noonUTC: Int64 = 1_763_812_800_000  // 2025-11-22T12:00:00Z
        let day = DayTally.dayIndex(atMs: noonUTC, utcOffsetMs: 0)
        #expect(PeriodKeys(daysSinceEpoch: day).day == "2025-11-22")
        // 12:00Z is already the next day at UTC+13.
        #expect(DayTally.dayIndex(atMs: noonUTC, utcOffsetMs: 13 * 3_600_000) == day + 1)
        // and still the same day at UTC-11.
        #expect(DayTally.dayIndex(atMs: noonUTC, utcOffsetMs: -11 * 3_600_000) == day)
        #expect(DayTally.dayIndex(atMs: -1, utcOffsetMs: 0) == -1)
        #expect(DayTally.dayIndex(atMs: 0, utcOffsetMs: 0) == 0)
    }

    @Test("totals add the tally to the stored base of the same day")
    func totalsAddBase() {
        var tally = DayTally(day: 20_414)
        tally.activeMs = 1_000
        tally.flowMs = 500
        tally.keystrokes = 10
        tally.addLanguage("swift", ms: 1_000)
        let base = SessionDayTotals(day: tally.dayKey, activeMs: 4_000, flowMs: 1_000, keystrokes: 40, languageMs: ["swift": 3_000, "go": 1_000])
        let merged = tally.totals(adding: base)
        #expect(merged.activeMs == 5_000 && merged.flowMs == 1_500 && merged.keystrokes == 50)
        #expect(merged.languageMs == ["swift": 4_000, "go": 1_000])
        #expect(tally.totals(adding: nil).activeMs == 1_000)
    }

    @Test("a tally keeps at most 16 languages; known ones keep counting")
    func languageBound() {
        var tally = DayTally(day: 0)
        for index in 0..<40 { tally.addLanguage("lang\(index)", ms: 1) }
        tally.addLanguage("lang0", ms: 5)
        #expect(tally.languageMs.count == DayTally.maximumLanguages)
        #expect(tally.languageMs["lang0"] == 6)
    }
}
