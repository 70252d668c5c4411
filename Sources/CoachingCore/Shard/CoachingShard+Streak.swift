import FlowEngine

/// The goal streak of `stats:me`, from the store rather than from what this process saw:
/// the streak stored when the user's state was created, continued through the days since
/// with the same stored-plus-live totals `stats:me` shows.
extension CoachingShard {
    /// Consecutive days meeting the daily goal up to local day `today`. Today counts once it
    /// meets the goal; until then it does not break the streak.
    func streakDays(of user: UserState, today: Int64) -> Int {
        let goal = configuration.flow.daily.streakGoal.value
        var streak = user.storedStreak.days
        var day = user.storedStreak.beforeDay
        if day > today || today - day > 31 {
            // No stored streak for a day this close (a fresh state or a clock jump): start today.
            streak = 0
            day = today
        }
        while day <= today {
            if activeMs(of: user, onDay: day) >= goal {
                streak += 1
            } else if day < today {
                streak = 0
            }
            day += 1
        }
        return streak
    }

    /// Active time of local day `day`: stored totals plus what live sessions added since.
    func activeMs(of user: UserState, onDay day: Int64) -> Int64 {
        let key = PeriodKeys(daysSinceEpoch: day).day
        var total: Int64 = 0
        for stored in user.storedDays where stored.day == key { total += stored.activeMs }
        for session in user.sessions.values {
            for tally in session.days where tally.day == day { total += tally.activeMs }
        }
        return total
    }
}
