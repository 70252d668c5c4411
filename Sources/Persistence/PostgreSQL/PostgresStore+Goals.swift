public import CoachingCore

/// A user's goal and the periods it was reached in (see `SQLiteStore+Goals`).
extension PostgresStore {
    private typealias SQL = PostgresSQL

    public func goal(userId: String) throws(StoreError) -> UserGoal? {
        guard SQL.isUUID(userId) else { return nil }
        let rows = try connection.query("SELECT period, metric, target_ms FROM user_goals WHERE user_id = $1", [.text(userId)])
        guard rows.rowCount > 0 else { return nil }
        let periodText = try rows.text(0, 0)
        let metricText = try rows.text(0, 1)
        guard let period = UserGoal.Period(rawValue: periodText), let metric = UserGoal.Metric(rawValue: metricText) else {
            throw .corruptRow(table: "user_goals", column: "period, metric")
        }
        return UserGoal(period: period, metric: metric, targetMs: try rows.integer(0, 2))
    }

    public func setGoal(_ goal: UserGoal?, userId: String) throws(StoreError) {
        guard SQL.isUUID(userId) else { throw .notFound(what: "user \(userId)") }
        if let goal {
            guard goal.targetMs > 0 && goal.targetMs <= UserGoal.maxTargetMs else {
                throw .invalidValue(what: "goal target \(goal.targetMs) ms (1 ms … one week)")
            }
            guard try user(id: userId) != nil else { throw .notFound(what: "user \(userId)") }
        }
        // One statement: the goal and its change stamp commit together.
        _ = try connection.query("""
            WITH removed AS (
                DELETE FROM user_goals WHERE user_id = $1::uuid AND $2::text IS NULL RETURNING 1
            ),
            stored AS (
                INSERT INTO user_goals (user_id, period, metric, target_ms)
                SELECT $1::uuid, $2::text, $3::text, $4::bigint WHERE $2::text IS NOT NULL
                ON CONFLICT (user_id) DO UPDATE SET period = excluded.period, metric = excluded.metric, target_ms = excluded.target_ms
                RETURNING 1
            )
            INSERT INTO goal_changes (user_id, changed_at)
            SELECT $1::uuid, clock_timestamp() WHERE EXISTS (SELECT 1 FROM users WHERE id = $1::uuid)
            ON CONFLICT (user_id) DO UPDATE SET changed_at = excluded.changed_at
            """, [
                .text(userId), goal.map { .text($0.period.rawValue) } ?? .null, goal.map { .text($0.metric.rawValue) } ?? .null,
                goal.map { .integer($0.targetMs) } ?? .null,
            ])
    }

    public func goalChanges(sinceMs: Int64) throws(StoreError) -> [GoalChange] {
        let rows = try connection.query("""
            SELECT c.user_id, g.period, g.metric, g.target_ms FROM goal_changes c
            LEFT JOIN user_goals g ON g.user_id = c.user_id
            WHERE c.changed_at >= \(SQL.timestamp("$1::bigint")) ORDER BY c.user_id
            """, [.integer(sinceMs)])
        var changes: [GoalChange] = []
        for row in 0..<rows.rowCount {
            let userId = try rows.text(row, 0)
            guard !rows.isNull(row, 1) else {
                changes.append(GoalChange(userId: userId, goal: nil))
                continue
            }
            guard let period = UserGoal.Period(rawValue: try rows.text(row, 1)),
                let metric = UserGoal.Metric(rawValue: try rows.text(row, 2))
            else { throw .corruptRow(table: "user_goals", column: "period, metric") }
            changes.append(GoalChange(userId: userId, goal: UserGoal(period: period, metric: metric, targetMs: try rows.integer(row, 3))))
        }
        return changes
    }

    public func claimGoalReached(userId: String, period: String, goal: String, atMs: Int64) throws(StoreError) -> Bool {
        guard SQL.isUUID(userId) else { return false }
        // Two nodes claiming at once: the row lock makes the second wait and then see the
        // first's goal, so exactly one of them is answered true.
        let result = try connection.query("""
            INSERT INTO goals_reached AS r (user_id, period, reached_at, goal)
            SELECT $1::uuid, $2, \(SQL.timestamp("$3::bigint")), $4 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1::uuid)
            ON CONFLICT (user_id, period) DO UPDATE SET reached_at = excluded.reached_at, goal = excluded.goal
            WHERE r.goal <> excluded.goal
            """, [.text(userId), .text(period), .integer(atMs), .text(goal)])
        return result.affectedRows == 1
    }

    public func goalsReached(userId: String, periods: [String]) throws(StoreError) -> Set<String> {
        guard SQL.isUUID(userId), !periods.isEmpty else { return [] }
        var reached = Set<String>()
        for period in periods {
            let rows = try connection.query(
                "SELECT 1 FROM goals_reached WHERE user_id = $1 AND period = $2", [.text(userId), .text(period)])
            if rows.rowCount > 0 { reached.insert(period) }
        }
        return reached
    }

    public func reachedGoalPeriods(userId: String) throws(StoreError) -> [GoalReachedRecord] {
        guard SQL.isUUID(userId) else { return [] }
        let rows = try connection.query("""
            SELECT period, \(SQL.milliseconds("reached_at")), goal FROM goals_reached WHERE user_id = $1 ORDER BY reached_at, period
            """, [.text(userId)])
        var records: [GoalReachedRecord] = []
        for row in 0..<rows.rowCount {
            records.append(GoalReachedRecord(period: try rows.text(row, 0), reachedAtMs: try rows.integer(row, 1), goal: try rows.text(row, 2)))
        }
        return records
    }
}
