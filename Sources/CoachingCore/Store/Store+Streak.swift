import FlowEngine

/// The goal streak from stored days, so it survives a restart (a process only sees the days
/// it was running). Both stores answer `activeDays`; the rule is written once, here.
extension Store {
    /// The number of consecutive local days ending at `day` (`YYYY-MM-DD`) whose stored
    /// active time reached `minimumActiveMs`: 0 when `day` itself falls short.
    ///
    /// The live coaching state knows today better than the store (checkpoints lag by up to
    /// one interval), so the caller typically asks for the streak ending *yesterday* and adds
    /// today from its own tally. Reads the days in pages, newest first, and stops at the
    /// first gap, so a long history costs one page past the streak.
    public func goalStreak(userId: String, endingAt day: String, minimumActiveMs: Int64) throws(StoreError) -> Int {
        guard var expected = LocalTime.day(parsing: day) else {
            throw .invalidValue(what: "day '\(day)' is not a YYYY-MM-DD date")
        }
        let pageSize = 64
        var streak = 0
        while true {
            let page = try activeDays(
                userId: userId, throughDay: LocalTime.dayText(ofDay: expected), minimumActiveMs: minimumActiveMs,
                limit: pageSize)
            for text in page {
                guard LocalTime.day(parsing: text) == expected else { return streak }
                streak += 1
                expected -= 1
            }
            // Before 0001-01-01 there is no `YYYY-MM-DD` to ask for.
            if page.count < pageSize || LocalTime.day(year: 1, month: 1, day: 1).map({ expected < $0 }) ?? true {
                return streak
            }
        }
    }

    /// The streak of days meeting the user's daily goal (`goal` nil or weekly: the
    /// configured `defaultMinimumActiveMs`), ending at `day`. Active-time rules use
    /// ``goalStreak(userId:endingAt:minimumActiveMs:)``; flow-time rules read the stored
    /// days of the last ``flowStreakHorizonDays`` days (a longer streak is reported as that).
    public func goalStreak(userId: String, endingAt day: String, goal: UserGoal?, defaultMinimumActiveMs: Int64) throws(StoreError) -> Int {
        guard let goal, goal.period == .day, goal.metric == .flow else {
            let minimum = goal.map { $0.period == .day ? $0.targetMs : defaultMinimumActiveMs } ?? defaultMinimumActiveMs
            return try goalStreak(userId: userId, endingAt: day, minimumActiveMs: minimum)
        }
        guard let last = LocalTime.day(parsing: day) else {
            throw .invalidValue(what: "day '\(day)' is not a YYYY-MM-DD date")
        }
        let first = last - Int64(Self.flowStreakHorizonDays - 1)
        var flowByDay: [String: Int64] = [:]
        for aggregate in try dailyAggregates(fromDay: LocalTime.dayText(ofDay: first), userId: userId) where aggregate.day <= day {
            flowByDay[aggregate.day, default: 0] += aggregate.flowMs
        }
        var streak = 0
        var expected = last
        while expected >= first, flowByDay[LocalTime.dayText(ofDay: expected), default: 0] >= goal.targetMs {
            streak += 1
            expected -= 1
        }
        return streak
    }

    /// How far back a flow-time streak is counted.
    public static var flowStreakHorizonDays: Int { 400 }
}
