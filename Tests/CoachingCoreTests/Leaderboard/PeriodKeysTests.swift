import FlowEngine
import Testing

@testable import CoachingCore

/// ISO 8601 calendar keys of the leaderboard periods.
struct PeriodKeysTests {
    @Test("days map to ISO weeks, including weeks that belong to the neighbouring year", arguments: [
        ("2026-11-22", "2026-W47", "2026-11"),  // a Sunday: still week 47
        ("2026-11-23", "2026-W48", "2026-11"),  // Monday starts week 48
        ("2021-01-03", "2020-W53", "2021-01"),  // early January in the previous ISO year
        ("2024-12-30", "2025-W01", "2024-12"),  // late December in the next ISO year
        ("2024-02-29", "2024-W09", "2024-02"),  // leap day
        ("1970-01-01", "1970-W01", "1970-01"),
    ])
    func isoWeeks(day: String, week: String, month: String) throws {
        let keys = try #require(PeriodKeys(day: day))
        #expect(keys == PeriodKeys(day: day, week: week, month: month))
    }

    @Test("UTC milliseconds map to the UTC day, also just before midnight and before 1970")
    func utc() {
        #expect(PeriodKeys(utcMs: 1_795_305_600_000).day == "2026-11-22")  // 2026-11-22T00:00:00Z
        #expect(PeriodKeys(utcMs: 1_795_305_600_000 - 1).day == "2026-11-21")
        #expect(PeriodKeys(utcMs: -1).day == "1969-12-31")
    }

    @Test("malformed or impossible days are refused", arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "20261122", "2026-11-2x", ""])
    func refused(day: String) {
        #expect(PeriodKeys(day: day) == nil)
    }

    @Test("the keys written digit by digit equal the padded forms, from year 0 to 9999 and past both ends")
    func writtenKeysMatchPaddedForms() {
        func padded(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        // Day 0 of year 0 is −719,528; year 10000 starts on day 2,932,897. Every 97th day
        // (every weekday, month and week number comes round) and the years' edges.
        var days = Array(stride(from: Int64(-719_600), through: 2_933_000, by: 97))
        for year: Int64 in [0, 1, 999, 1000, 1969, 1970, 2026, 9998, 9999, 10_000] {
            if let first = LocalTime.day(year: year, month: 1, day: 1) { days += [first - 1, first, first + 3] }
        }
        for day in days {
            let keys = PeriodKeys(daysSinceEpoch: day)
            let (year, month, dayOfMonth) = LocalTime.civil(ofDay: day)
            #expect(keys.day == padded(year, 4) + "-" + padded(month, 2) + "-" + padded(dayOfMonth, 2), "day \(day)")
            #expect(keys.month == padded(year, 4) + "-" + padded(month, 2), "day \(day)")
            let thursday = day - LocalTime.weekday(ofDay: day) + 3
            let isoYear = LocalTime.civil(ofDay: thursday).year
            let week = (thursday - (LocalTime.day(year: isoYear, month: 1, day: 1) ?? thursday)) / 7 + 1
            #expect(keys.week == padded(isoYear, 4) + "-W" + padded(week, 2), "day \(day)")
        }
    }

    @Test("keys of one period sort in time order")
    func ordering() {
        let days = stride(from: Int64(0), to: 800, by: 1).map { PeriodKeys(daysSinceEpoch: 20_000 + $0) }
        for (a, b) in zip(days, days.dropFirst()) {
            #expect(a.day < b.day)
            #expect(a.week <= b.week)
            #expect(a.month <= b.month)
        }
    }
}
