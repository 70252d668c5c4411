import CoachingCore

/// The weekly report of one user (`GET /v1/reports/week`): the week's totals, days, best
/// hours, longest flow period, goal days and languages/projects, next to the previous
/// week's totals. Pure: stored values in, numbers out.
struct WeekReport: Sendable {
    /// The totals two weeks are compared by.
    struct Totals: Sendable, Equatable {
        var activeMs: Int64 = 0
        var flowMs: Int64 = 0
        var sessions: Int64 = 0
        var interruptions: Int64 = 0
        /// Days whose active time reached the goal.
        var goalDays = 0
    }

    /// The longest completed flow period of the week.
    struct LongestFlow: Sendable {
        let startMs: Int64
        let durationMs: Int64
        let project: String?
    }

    let week: ISOWeek
    /// What a goal day must reach: the user's daily goal, else the configured active time.
    let goalMs: Int64
    let goalMetric: UserGoal.Metric
    let totals: Totals
    let previous: Totals
    let history: DayHistory
    let insights: PersonalInsights
    let longestFlow: LongestFlow?

    /// - Parameters:
    ///   - sessions: the sessions that started in `week`; `previousSessions` in the week before.
    ///   - daily: the user's daily aggregates from the previous week's Monday on.
    init(
        week: ISOWeek, goalMs: Int64, goalMetric: UserGoal.Metric = .active, sessions: [StoredSession], previousSessions: [StoredSession],
        daily: [UserDayTotals], calendar: UserCalendar
    ) {
        self.week = week
        self.goalMs = goalMs
        self.goalMetric = goalMetric
        history = DayHistory(daily: daily, sessions: sessions, window: week.days)
        insights = PersonalInsights(sessions: sessions, daily: daily, window: week.days, calendar: calendar)
        totals = Self.totals(of: history, sessions: sessions, goalMs: goalMs, metric: goalMetric)
        let before = DayHistory(daily: daily, sessions: previousSessions, window: week.previous.days)
        previous = Self.totals(of: before, sessions: previousSessions, goalMs: goalMs, metric: goalMetric)
        var longest: LongestFlow?
        for session in sessions {
            for period in session.flowPeriods {
                let duration = max(0, period.endMs &- period.startMs)
                if duration > (longest?.durationMs ?? 0) {
                    longest = LongestFlow(startMs: period.startMs, durationMs: duration, project: session.checkpoint.project)
                }
            }
        }
        longestFlow = longest
    }

    /// Whether `day` reached the goal.
    func goalMet(_ day: DayHistory.Day) -> Bool { Self.goalMet(day, goalMs: goalMs, metric: goalMetric) }

    private static func goalMet(_ day: DayHistory.Day, goalMs: Int64, metric: UserGoal.Metric) -> Bool {
        goalMs > 0 && (metric == .flow ? day.flowMs : day.activeMs) >= goalMs
    }

    private static func totals(of history: DayHistory, sessions: [StoredSession], goalMs: Int64, metric: UserGoal.Metric) -> Totals {
        var totals = Totals()
        for day in history.days {
            totals.activeMs = totals.activeMs.addingClamped(day.activeMs)
            totals.flowMs = totals.flowMs.addingClamped(day.flowMs)
            if goalMet(day, goalMs: goalMs, metric: metric) { totals.goalDays += 1 }
        }
        totals.sessions = Int64(sessions.count)
        totals.interruptions = sessions.reduce(0) { $0.addingClamped($1.checkpoint.totals.interruptions) }
        return totals
    }
}
