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
        guard let goal else {
            _ = try connection.query("DELETE FROM user_goals WHERE user_id = $1", [.text(userId)])
            return
        }
        guard goal.targetMs > 0 && goal.targetMs <= UserGoal.maxTargetMs else {
            throw .invalidValue(what: "goal target \(goal.targetMs) ms (1 ms … one week)")
        }
        guard try user(id: userId) != nil else { throw .notFound(what: "user \(userId)") }
        _ = try connection.query("""
            INSERT INTO user_goals (user_id, period, metric, target_ms) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id) DO UPDATE SET period = excluded.period, metric = excluded.metric, target_ms = excluded.target_ms
            """, [.text(userId), .text(goal.period.rawValue), .text(goal.metric.rawValue), .integer(goal.targetMs)])
    }

    public func claimGoalReached(userId: String, period: String, atMs: Int64) throws(StoreError) -> Bool {
        guard SQL.isUUID(userId) else { return false }
        let result = try connection.query("""
            INSERT INTO goals_reached (user_id, period, reached_at)
            SELECT $1::uuid, $2, \(SQL.timestamp("$3::bigint")) WHERE EXISTS (SELECT 1 FROM users WHERE id = $1::uuid)
            ON CONFLICT (user_id, period) DO NOTHING
            """, [.text(userId), .text(period), .integer(atMs)])
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
}
