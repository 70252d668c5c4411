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

    /// Consecutive ISO weeks meeting the user's weekly goal, the current one included once
    /// it is met (it does not break the streak before): the stored weeks before the week the
    /// state was loaded in, continued by the weeks since from the stored-plus-live totals.
    /// 0 without a weekly goal.
    func streakWeeks(of user: UserState, today: Int64) -> Int {
        guard let goal = user.goal, goal.period == .week else { return 0 }
        let thisWeek = LocalTime.startOfWeek(containingDay: today)
        var week = LocalTime.startOfWeek(containingDay: user.storedStreak.beforeDay)
        var streak = user.storedStreak.weeks
        if week > thisWeek || thisWeek - week > 7 * 4 {
            // No stored streak for a week this close: start with this week.
            streak = 0
            week = thisWeek
        }
        while week <= thisWeek {
            if time(of: user, from: week, through: week + 6, metric: goal.metric) >= goal.targetMs {
                streak += 1
            } else if week < thisWeek {
                streak = 0
            }
            week += 7
        }
        return streak
    }

    /// What a day must reach to count: the user's daily goal, else the configured one.
    func streakRule(of user: UserState) -> (metric: UserGoal.Metric, minimumMs: Int64) {
        if let goal = user.goal, goal.period == .day { return (goal.metric, goal.targetMs) }
        return (.active, configuration.flow.daily.streakGoal.value)
    }

}
