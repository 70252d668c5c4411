public import CoachingCore
import FlowEngine

/// Reading sessions, baselines and daily aggregates back (resume, history, leaderboards).
extension SQLiteStore {
    private static let sessionColumns = """
        session_id, user_id, seq, started_at_ms, last_at_ms, ended, project, active_ms, flow_ms, keystrokes,
        lines_added, lines_deleted, flow_periods, interruptions, mean_recovery_ms, focus_score
        """

    private static func readCheckpoint(_ row: SQLiteRow) throws(StoreError) -> SessionCheckpoint {
        let totals = CheckpointTotals(
            activeMs: try row.integer(7), flowMs: try row.integer(8), keystrokes: try row.integer(9),
            linesAdded: try row.integer(10), linesDeleted: try row.integer(11), flowPeriods: try row.integer(12),
            interruptions: try row.integer(13), meanRecoveryMs: try row.integer(14), focusScore: try row.real(15))
        return SessionCheckpoint(
            sessionId: try row.text(0), userId: try row.text(1), seq: try row.integer(2),
            startedAtMs: try row.integer(3), lastAtMs: try row.integer(4), ended: try row.bool(5),
            project: try row.optionalText(6), totals: totals)
    }

    public func session(id: String) throws(StoreError) -> StoredSession? {
        guard let checkpoint = try connection.statement(text: "SELECT \(Self.sessionColumns) FROM coding_sessions WHERE session_id = ?")
            .queryFirst([.text(id)], Self.readCheckpoint)
        else { return nil }
        return try complete(checkpoint)
    }

    public func sessions(userId: String, fromMs: Int64, toMs: Int64, limit: Int) throws(StoreError) -> [StoredSession] {
        let rows = try connection.statement(text: """
            SELECT \(Self.sessionColumns) FROM coding_sessions
            WHERE user_id = ? AND started_at_ms >= ? AND started_at_ms < ? ORDER BY started_at_ms DESC, session_id LIMIT ?
            """).query([.text(userId), .integer(fromMs), .integer(toMs), .integer(Int64(max(0, limit)))], Self.readCheckpoint)
        var result: [StoredSession] = []
        result.reserveCapacity(rows.count)
        for checkpoint in rows { result.append(try complete(checkpoint)) }
        return result
    }

    /// Adds the session's days (with languages), flow periods and marks to a checkpoint row.
    private func complete(_ checkpoint: SessionCheckpoint) throws(StoreError) -> StoredSession {
        var checkpoint = checkpoint
        let id = SQLiteValue.text(checkpoint.sessionId)
        let days = try connection.statement("""
            SELECT day, active_ms, flow_ms, keystrokes, lines_added, lines_deleted, languages FROM session_days
            WHERE session_id = ? ORDER BY day
            """).query([id]) { row throws(StoreError) in
                SessionDayTotals(
                    day: try row.text(0), activeMs: try row.integer(1), flowMs: try row.integer(2),
                    keystrokes: try row.integer(3), linesAdded: try row.integer(4), linesDeleted: try row.integer(5),
                    languageMs: try Self.languages(row, 6))
            }
        checkpoint.days = days
        let periods = try connection.statement("""
            SELECT start_ms, end_ms, mean_intensity, peak_intensity FROM flow_states WHERE session_id = ? ORDER BY start_ms
            """).query([id]) { row throws(StoreError) in
                FlowPeriodRecord(startMs: try row.integer(0), endMs: try row.integer(1), meanIntensity: try row.real(2), peakIntensity: try row.real(3))
            }
        let marks = try connection.statement("""
            SELECT kind, start_ms, end_ms FROM session_marks WHERE session_id = ? ORDER BY start_ms, kind
            """).query([id]) { row throws(StoreError) in
                guard let kind = SessionMarkKind(rawValue: try row.text(0)) else {
                    throw .corruptRow(table: "session_marks", column: "kind")
                }
                return SessionMarkRecord(kind: kind, startMs: try row.integer(1), endMs: try row.integer(2))
            }
        return StoredSession(checkpoint: checkpoint, flowPeriods: periods, marks: marks)
    }

    public func baseline(userId: String) throws(StoreError) -> BaselineRecord? {
        try connection.statement("SELECT user_id, updated_at_ms, baseline, break_state FROM user_baselines WHERE user_id = ?")
            .queryFirst([.text(userId)]) { row throws(StoreError) in
                BaselineRecord(userId: try row.text(0), updatedAtMs: try row.integer(1), bytes: try row.blob(2), breaks: try row.blob(3))
            }
    }

    /// Decodes a `languages` column: JSON, or the text of rows written by earlier builds.
    private static func languages(_ row: SQLiteRow, _ column: Int32) throws(StoreError) -> [String: Int64] {
        let text = try row.text(column)
        guard let map = LanguageMapJSON.decode(text) ?? LegacyLanguageMap.decode(text) else {
            throw .corruptRow(table: "session_days", column: "languages")
        }
        return map
    }

    public func dailyAggregates(fromDay: String, userId: String?) throws(StoreError) -> [UserDayTotals] {
        // With a user: the (user_id, day) index. Without: one scan at start-up (leaderboards).
        let userFilter = userId == nil ? "" : " AND user_id = ?"
        var values: [SQLiteValue] = [.text(fromDay)]
        if let userId { values.append(.text(userId)) }
        var aggregates: [UserDayTotals] = []
        var index: [String: Int] = [:]
        let rows = try connection.statement(text: """
            SELECT user_id, day, active_ms, flow_ms, keystrokes, lines_added, lines_deleted, languages
            FROM session_days WHERE day >= ?\(userFilter) ORDER BY user_id, day
            """)
        _ = try rows.query(values) { row throws(StoreError) in
            let key = try row.text(0) + "\u{0}" + row.text(1)
            let position: Int
            if let known = index[key] {
                position = known
            } else {
                position = aggregates.count
                index[key] = position
                aggregates.append(UserDayTotals(
                    userId: try row.text(0), day: try row.text(1), activeMs: 0, flowMs: 0, keystrokes: 0,
                    linesAdded: 0, linesDeleted: 0, sessions: 0, languageMs: [:]))
            }
            aggregates[position].activeMs += try row.integer(2)
            aggregates[position].flowMs += try row.integer(3)
            aggregates[position].keystrokes += try row.integer(4)
            aggregates[position].linesAdded += try row.integer(5)
            aggregates[position].linesDeleted += try row.integer(6)
            aggregates[position].sessions += 1
            for (language, ms) in try Self.languages(row, 7) { aggregates[position].languageMs[language, default: 0] += ms }
        }
        return HeartbeatDayMerge.merge(aggregates, try heartbeatDays(fromDay: fromDay, userId: userId))
    }

    public func activeDays(userId: String, throughDay: String, minimumActiveMs: Int64, limit: Int) throws(StoreError) -> [String] {
        guard LocalTime.day(parsing: throughDay) != nil else {
            throw .invalidValue(what: "day '\(throughDay)' is not a YYYY-MM-DD date")
        }
        guard limit > 0 else { return [] }
        // The (user_id, day) indexes, walked backwards from `throughDay`; heartbeat time
        // counts toward the goal like session time.
        return try connection.statement("""
            SELECT day FROM (
                SELECT day, active_ms FROM session_days WHERE user_id = ?1 AND day <= ?2
                UNION ALL SELECT day, active_ms FROM heartbeat_days WHERE user_id = ?1 AND day <= ?2)
            GROUP BY day HAVING SUM(active_ms) >= ?3 ORDER BY day DESC LIMIT ?4
            """).query([.text(userId), .text(throughDay), .integer(minimumActiveMs), .integer(Int64(limit))]) {
                row throws(StoreError) in try row.text(0)
            }
    }
}
