/// Reading sessions, baselines and daily aggregates back (resume, history, leaderboards).
extension SQLiteStore {
    private static let sessionColumns = """
        session_id, user_id, seq, started_at_ms, last_at_ms, ended, project, active_ms, flow_ms, keystrokes,
        lines_added, lines_deleted, flow_periods, interruptions, mean_recovery_ms, focus_score
        """

    private static func readCheckpoint(_ row: SQLiteRow) throws(StoreError) -> SessionCheckpoint {
        let totals = SessionTotals(
            activeMs: try row.integer(7), flowMs: try row.integer(8), keystrokes: try row.integer(9),
            linesAdded: try row.integer(10), linesDeleted: try row.integer(11), flowPeriods: try row.integer(12),
            interruptions: try row.integer(13), meanRecoveryMs: try row.integer(14), focusScore: try row.real(15))
        return SessionCheckpoint(
            sessionId: try row.text(0), userId: try row.text(1), seq: try row.integer(2),
            startedAtMs: try row.integer(3), lastAtMs: try row.integer(4), ended: try row.bool(5),
            project: try row.optionalText(6), totals: totals)
    }

    public func session(id: String) throws(StoreError) -> StoredSession? {
        guard let checkpoint = try connection.statement("SELECT \(Self.sessionColumns) FROM coding_sessions WHERE session_id = ?")
            .queryFirst([.text(id)], Self.readCheckpoint)
        else { return nil }
        return try complete(checkpoint)
    }

    public func sessions(userId: String, fromMs: Int64, toMs: Int64, limit: Int) throws(StoreError) -> [StoredSession] {
        let rows = try connection.statement("""
            SELECT \(Self.sessionColumns) FROM coding_sessions
            WHERE user_id = ? AND started_at_ms >= ? AND started_at_ms < ? ORDER BY started_at_ms DESC, session_id LIMIT ?
            """).query([.text(userId), .integer(fromMs), .integer(toMs), .integer(Int64(max(0, limit)))], Self.readCheckpoint)
        var result: [StoredSession] = []
        result.reserveCapacity(rows.count)
        for checkpoint in rows { result.append(try complete(checkpoint)) }
        return result
    }

    /// Adds the session's days (with languages) and flow periods to a checkpoint row.
    private func complete(_ checkpoint: SessionCheckpoint) throws(StoreError) -> StoredSession {
        var checkpoint = checkpoint
        let id = SQLiteValue.text(checkpoint.sessionId)
        var days = try connection.statement("""
            SELECT day, active_ms, flow_ms, keystrokes, lines_added, lines_deleted FROM session_days WHERE session_id = ? ORDER BY day
            """).query([id]) { row throws(StoreError) in
                SessionDayTotals(
                    day: try row.text(0), activeMs: try row.integer(1), flowMs: try row.integer(2),
                    keystrokes: try row.integer(3), linesAdded: try row.integer(4), linesDeleted: try row.integer(5))
            }
        let languages = try connection.statement("SELECT day, language, active_ms FROM session_day_languages WHERE session_id = ?")
            .query([id]) { row throws(StoreError) in (try row.text(0), try row.text(1), try row.integer(2)) }
        for (day, language, ms) in languages {
            if let index = days.firstIndex(where: { $0.day == day }) { days[index].languageMs[language] = ms }
        }
        checkpoint.days = days
        let periods = try connection.statement("""
            SELECT start_ms, end_ms, mean_intensity, peak_intensity FROM flow_states WHERE session_id = ? ORDER BY start_ms
            """).query([id]) { row throws(StoreError) in
                FlowPeriodRecord(startMs: try row.integer(0), endMs: try row.integer(1), meanIntensity: try row.real(2), peakIntensity: try row.real(3))
            }
        return StoredSession(checkpoint: checkpoint, flowPeriods: periods)
    }

    public func baseline(userId: String) throws(StoreError) -> BaselineRecord? {
        try connection.statement("SELECT user_id, updated_at_ms, baseline FROM user_baselines WHERE user_id = ?")
            .queryFirst([.text(userId)]) { row throws(StoreError) in
                BaselineRecord(userId: try row.text(0), updatedAtMs: try row.integer(1), bytes: try row.blob(2))
            }
    }

    public func dailyAggregates(fromDay: String, userId: String?) throws(StoreError) -> [DailyAggregate] {
        let userFilter = userId == nil ? "" : " AND user_id = ?"
        var values: [SQLiteValue] = [.text(fromDay)]
        if let userId { values.append(.text(userId)) }
        var aggregates = try connection.statement("""
            SELECT user_id, day, SUM(active_ms), SUM(flow_ms), SUM(keystrokes), SUM(lines_added), SUM(lines_deleted), COUNT(*)
            FROM session_days WHERE day >= ?\(userFilter) GROUP BY user_id, day ORDER BY user_id, day
            """).query(values) { row throws(StoreError) in
                DailyAggregate(
                    userId: try row.text(0), day: try row.text(1), activeMs: try row.integer(2), flowMs: try row.integer(3),
                    keystrokes: try row.integer(4), linesAdded: try row.integer(5), linesDeleted: try row.integer(6),
                    sessions: try row.integer(7), languageMs: [:])
            }
        var index: [String: Int] = [:]
        for (position, aggregate) in aggregates.enumerated() { index[aggregate.userId + "\u{0}" + aggregate.day] = position }
        let languages = try connection.statement("""
            SELECT user_id, day, language, SUM(active_ms) FROM session_day_languages
            WHERE day >= ?\(userFilter) GROUP BY user_id, day, language
            """).query(values) { row throws(StoreError) in (try row.text(0), try row.text(1), try row.text(2), try row.integer(3)) }
        for (user, day, language, ms) in languages {
            if let position = index[user + "\u{0}" + day] { aggregates[position].languageMs[language] = ms }
        }
        return aggregates
    }
}
