import CoachingCore
import FlowEngine

/// What the leaderboards read from the store: the stored days of the current periods.
enum LeaderboardRebuild {
    /// The first day the boards need. Month and ISO week can start on different days:
    /// from the earlier one, with a day of slack for time zones ahead of UTC.
    static func earliestDay(nowMs: Int64) -> String {
        let today = nowMs / 86_400_000
        let monday = LocalTime.startOfWeek(containingDay: today)
        let (year, month, _) = LocalTime.civil(ofDay: today)
        let monthStart = LocalTime.day(year: year, month: month, day: 1) ?? today
        return PeriodKeys(daysSinceEpoch: min(monday, monthStart) - 1).day
    }

    /// One stored day as the boards take it.
    static func totals(_ day: UserDayTotals, name: String) -> StoredTotals {
        StoredTotals(
            userId: day.userId, displayName: name, day: day.day, codingMs: day.activeMs, flowMs: day.flowMs,
            languageCodingMs: day.languageMs)
    }
}
