import FlowEngine

/// The local days a goal's current period covers, with their texts: computed once per day
/// (the goal check runs on every `activity` of a user with a goal).
public struct GoalWindow: Sendable, Hashable {
    public let today: Int64
    public let period: UserGoal.Period
    /// The period's first local day (today, or the ISO week's Monday).
    public let first: Int64
    public let firstKey: String
    public let todayKey: String
    /// The period's key: the day `YYYY-MM-DD` or the ISO week `YYYY-Www`.
    public let key: String

    public init(today: Int64, period: UserGoal.Period) {
        self.today = today
        self.period = period
        first = period == .day ? today : LocalTime.startOfWeek(containingDay: today)
        let keys = PeriodKeys(daysSinceEpoch: today)
        todayKey = keys.day
        firstKey = period == .day ? keys.day : PeriodKeys(daysSinceEpoch: first).day
        key = period == .day ? keys.day : keys.week
    }
}
