import FlowEngine

/// The streak of a weekly goal: consecutive ISO weeks whose stored time reached it, from
/// the store (like the day streak), so it survives restarts and counts time of every node.
extension Store {
    /// Most weeks read: a longer streak is reported as this (half a year).
    public static var weekStreakHorizonWeeks: Int { 26 }

    /// Consecutive complete ISO weeks before the week holding local day `day`
    /// (`YYYY-MM-DD`) whose stored active or flow time reached the weekly `goal`; 0 for a
    /// daily goal. The current week is the caller's (its live time is not stored yet).
    public func weekStreak(userId: String, beforeWeekOf day: String, goal: UserGoal) throws(StoreError) -> Int {
        guard goal.period == .week else { return 0 }
        guard let today = LocalTime.day(parsing: day) else {
            throw .invalidValue(what: "day '\(day)' is not a YYYY-MM-DD date")
        }
        let monday = LocalTime.startOfWeek(containingDay: today)
        let horizon = Self.weekStreakHorizonWeeks
        let first = monday - 7 * Int64(horizon)
        var perWeek = [Int64](repeating: 0, count: horizon)
        for aggregate in try dailyAggregates(fromDay: LocalTime.dayText(ofDay: first), userId: userId) {
            guard let index = LocalTime.day(parsing: aggregate.day), index >= first, index < monday else { continue }
            perWeek[Int((index - first) / 7)] += goal.metric == .flow ? aggregate.flowMs : aggregate.activeMs
        }
        var streak = 0
        for total in perWeek.reversed() {
            guard total >= goal.targetMs else { break }
            streak += 1
        }
        return streak
    }
}
