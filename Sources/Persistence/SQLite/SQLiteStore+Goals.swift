public import CoachingCore

/// A user's goal and the periods it was reached in (`user_goals`, `goals_reached`).
extension SQLiteStore {
    public func goal(userId: String) throws(StoreError) -> UserGoal? {
        try connection.statement("SELECT period, metric, target_ms FROM user_goals WHERE user_id = ?")
            .queryFirst([.text(userId)]) { row throws(StoreError) in
                let periodText = try row.text(0)
                let metricText = try row.text(1)
                guard let period = UserGoal.Period(rawValue: periodText), let metric = UserGoal.Metric(rawValue: metricText) else {
                    throw .corruptRow(table: "user_goals", column: "period, metric")
                }
                return UserGoal(period: period, metric: metric, targetMs: try row.integer(2))
            } ?? nil
    }

    public func setGoal(_ goal: UserGoal?, userId: String) throws(StoreError) {
        try transaction { () throws(StoreError) in
            if let goal {
                guard goal.targetMs > 0 && goal.targetMs <= UserGoal.maxTargetMs else {
                    throw .invalidValue(what: "goal target \(goal.targetMs) ms (1 ms … one week)")
                }
                guard try user(id: userId) != nil else { throw .notFound(what: "user \(userId)") }
                _ = try connection.statement("""
                    INSERT INTO user_goals (user_id, period, metric, target_ms) VALUES (?, ?, ?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET period = excluded.period, metric = excluded.metric, target_ms = excluded.target_ms
                    """).run([.text(userId), .text(goal.period.rawValue), .text(goal.metric.rawValue), .integer(goal.targetMs)])
            } else {
                _ = try connection.statement("DELETE FROM user_goals WHERE user_id = ?").run([.text(userId)])
            }
            // Stamped with the database's clock, the one `goalChanges` is asked against.
            _ = try connection.statement("""
                INSERT INTO goal_changes (user_id, changed_at_ms)
                SELECT ?1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1)
                ON CONFLICT (user_id) DO UPDATE SET changed_at_ms = excluded.changed_at_ms
                """).run([.text(userId)])
        }
    }

    public func goalChanges(sinceMs: Int64) throws(StoreError) -> [GoalChange] {
        try connection.statement("""
            SELECT c.user_id, g.period, g.metric, g.target_ms FROM goal_changes c
            LEFT JOIN user_goals g ON g.user_id = c.user_id WHERE c.changed_at_ms >= ? ORDER BY c.user_id
            """).query([.integer(sinceMs)]) { row throws(StoreError) in
                let userId = try row.text(0)
                guard let periodText = try row.optionalText(1) else { return GoalChange(userId: userId, goal: nil) }
                guard let period = UserGoal.Period(rawValue: periodText), let metric = UserGoal.Metric(rawValue: try row.text(2)) else {
                    throw .corruptRow(table: "user_goals", column: "period, metric")
                }
                return GoalChange(userId: userId, goal: UserGoal(period: period, metric: metric, targetMs: try row.integer(3)))
            }
    }

    public func claimGoalReached(userId: String, period: String, goal: String, atMs: Int64) throws(StoreError) -> Bool {
        // A purged user claims nothing (and breaks no foreign key). A row of another goal is
        // taken over; one of the same goal stays, and the answer is false.
        try connection.statement("""
            INSERT INTO goals_reached (user_id, period, reached_at_ms, goal)
            SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1)
            ON CONFLICT (user_id, period) DO UPDATE SET reached_at_ms = excluded.reached_at_ms, goal = excluded.goal
            WHERE goals_reached.goal <> excluded.goal
            """).run([.text(userId), .text(period), .integer(atMs), .text(goal)]) == 1
    }

    public func goalsReached(userId: String, periods: [String]) throws(StoreError) -> Set<String> {
        var reached = Set<String>()
        let select = try connection.statement("SELECT 1 FROM goals_reached WHERE user_id = ? AND period = ?")
        for period in periods where try select.queryFirst([.text(userId), .text(period)], { _ throws(StoreError) in true }) == true {
            reached.insert(period)
        }
        return reached
    }

    public func reachedGoalPeriods(userId: String) throws(StoreError) -> [GoalReachedRecord] {
        try connection.statement(
            "SELECT period, reached_at_ms, goal FROM goals_reached WHERE user_id = ? ORDER BY reached_at_ms, period"
        ).query([.text(userId)]) { row throws(StoreError) in
            GoalReachedRecord(period: try row.text(0), reachedAtMs: try row.integer(1), goal: try row.text(2))
        }
    }
}
