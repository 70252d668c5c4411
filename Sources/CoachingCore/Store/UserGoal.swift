/// A user's own goal (`goal.set`, `flowcoach goal set`): reach `targetMs` of active or flow
/// time each local day or ISO week. A user without a stored goal has none (the streak then
/// counts days reaching the configured daily goal).
public struct UserGoal: Sendable, Hashable, Codable {
    public enum Period: String, Sendable, Hashable, Codable, CaseIterable {
        case day, week
    }

    public enum Metric: String, Sendable, Hashable, Codable, CaseIterable {
        /// Active (coding) time.
        case active
        /// Time in flow.
        case flow
    }

    public var period: Period
    public var metric: Metric
    public var targetMs: Int64

    /// Longest accepted target: a whole week.
    public static let maxTargetMs: Int64 = 7 * 86_400_000

    public init(period: Period, metric: Metric, targetMs: Int64) {
        self.period = period
        self.metric = metric
        self.targetMs = targetMs
    }
}

extension UserGoal {
    /// The goal as one short text (`day:flow:3600000`): what a reached period is recorded
    /// for, so a changed goal gets its own push in a period an earlier goal reached.
    public var signature: String { "\(period.rawValue):\(metric.rawValue):\(targetMs)" }
}

/// A goal changed in the store (by the CLI, another node or this one): the user's goal now,
/// nil when they removed it.
public struct GoalChange: Sendable, Hashable {
    public var userId: String
    public var goal: UserGoal?

    public init(userId: String, goal: UserGoal?) {
        self.userId = userId
        self.goal = goal
    }
}

/// A period the user's goal was recorded as reached in (`goals_reached`): for the export.
public struct GoalReachedRecord: Sendable, Hashable {
    /// The day `YYYY-MM-DD` or ISO week `YYYY-Www`.
    public var period: String
    public var reachedAtMs: Int64
    /// The `UserGoal.signature` that reached it ('' when recorded before goals were told apart).
    public var goal: String

    public init(period: String, reachedAtMs: Int64, goal: String) {
        self.period = period
        self.reachedAtMs = reachedAtMs
        self.goal = goal
    }
}
