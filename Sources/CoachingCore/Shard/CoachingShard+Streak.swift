import FlowEngine

/// The goal streak of `stats:me`, from the store rather than from what this process saw:
/// the streak stored when the user's state was created, continued through the days since
/// with the same stored-plus-live totals `stats:me` shows. The rule is the user's own daily
/// goal (active or flow time) when they set one, else the configured daily goal.
extension CoachingShard {
    /// Consecutive days meeting the daily goal up to local day `today`. Today counts once it
    /// meets the goal; until then it does not break the streak.
    func streakDays(of user: UserState, today: Int64) -> Int {
        let rule = streakRule(of: user)
        var streak = user.storedStreak.days
        var day = user.storedStreak.beforeDay
        if day > today || today - day > 31 {
            // No stored streak for a day this close (a fresh state or a clock jump): start today.
            streak = 0
            day = today
        }
        while day <= today {
            if time(of: user, from: day, through: day, metric: rule.metric) >= rule.minimumMs {
                streak += 1
            } else if day < today {
                streak = 0
            }
            day += 1
        }
        return streak
    }

    /// What a day must reach to count: the user's daily goal, else the configured one.
    func streakRule(of user: UserState) -> (metric: UserGoal.Metric, minimumMs: Int64) {
        if let goal = user.goal, goal.period == .day { return (goal.metric, goal.targetMs) }
        return (.active, configuration.flow.daily.streakGoal.value)
    }

}
