public import CoachingCore
import FlowEngine

/// Reading sessions, baselines and daily aggregates back (resume, history, leaderboards).
/// A page of sessions costs three round trips (sessions, their days, their periods), not
/// one per session.
extension PostgresStore {
    private typealias SQL = PostgresSQL

    private static let sessionColumns = """
        session_id, user_id, seq, \(SQL.milliseconds("started_at")), \(SQL.milliseconds("last_at")), ended, project,
        active_ms, flow_ms, keystrokes, lines_added, lines_deleted, flow_periods, interruptions, mean_recovery_ms, focus_score
        """

    private static func readCheckpoint(_ result: PGResult, _ row: Int) throws(StoreError) -> SessionCheckpoint {
        let totals = CheckpointTotals(
            activeMs: try result.integer(row, 7), flowMs: try result.integer(row, 8), keystrokes: try result.integer(row, 9),
            linesAdded: try result.integer(row, 10), linesDeleted: try result.integer(row, 11),
            flowPeriods: try result.integer(row, 12), interruptions: try result.integer(row, 13),
            meanRecoveryMs: try result.integer(row, 14), focusScore: try result.real(row, 15))
        return SessionCheckpoint(
            sessionId: try result.text(row, 0), userId: try result.text(row, 1), seq: try result.integer(row, 2),
            startedAtMs: try result.integer(row, 3), lastAtMs: try result.integer(row, 4), ended: try result.bool(row, 5),
            project: try result.optionalText(row, 6), totals: totals)
    }

    public func session(id: String) throws(StoreError) -> StoredSession? {
        guard SQL.isUUID(id) else { return nil }
        let result = try connection.query("SELECT \(Self.sessionColumns) FROM coding_sessions WHERE session_id = $1", [.text(id)])
        guard result.rowCount > 0 else { return nil }
        return try complete([Self.readCheckpoint(result, 0)]).first
    }

    public func sessions(userId: String, fromMs: Int64, toMs: Int64, limit: Int) throws(StoreError) -> [StoredSession] {
        guard SQL.isUUID(userId), limit > 0 else { return [] }
        let result = try connection.query("""
            SELECT \(Self.sessionColumns) FROM coding_sessions
            WHERE user_id = $1 AND started_at >= \(SQL.timestamp("$2::bigint")) AND started_at < \(SQL.timestamp("$3::bigint"))
            ORDER BY started_at DESC, session_id LIMIT $4
            """, [
                .text(userId), .integer(SQL.clampedRangeMs(fromMs)), .integer(SQL.clampedRangeMs(toMs)),
                .integer(Int64(limit)),
            ])
        let checkpoints = try (0..<result.rowCount).map { row throws(StoreError) in try Self.readCheckpoint(result, row) }
        return try complete(checkpoints)
    }

    /// Adds their days (with languages), flow periods and marks to checkpoint rows, in three
    /// queries.
    private func complete(_ checkpoints: [SessionCheckpoint]) throws(StoreError) -> [StoredSession] {
        guard !checkpoints.isEmpty else { return [] }
        var ids = PGArrayLiteral()
        for checkpoint in checkpoints { try ids.append(checkpoint.sessionId) }
        var days: [String: [SessionDayTotals]] = [:]
        let dayRows = try connection.query("""
            SELECT session_id, \(SQL.dayText("day")), active_ms, flow_ms, keystrokes, lines_added, lines_deleted, languages
            FROM session_days WHERE session_id = ANY($1::uuid[]) ORDER BY session_id, day
            """, [ids.value])
        for row in 0..<dayRows.rowCount {
            days[try dayRows.text(row, 0), default: []].append(SessionDayTotals(
                day: try dayRows.text(row, 1), activeMs: try dayRows.integer(row, 2), flowMs: try dayRows.integer(row, 3),
                keystrokes: try dayRows.integer(row, 4), linesAdded: try dayRows.integer(row, 5),
                linesDeleted: try dayRows.integer(row, 6), languageMs: try dayRows.languageMap(row, 7)))
        }
        var periods: [String: [FlowPeriodRecord]] = [:]
        let periodRows = try connection.query("""
            SELECT session_id, \(SQL.milliseconds("start_at")), \(SQL.milliseconds("end_at")), mean_intensity, peak_intensity
            FROM flow_states WHERE session_id = ANY($1::uuid[]) ORDER BY session_id, start_at
            """, [ids.value])
        for row in 0..<periodRows.rowCount {
            periods[try periodRows.text(row, 0), default: []].append(FlowPeriodRecord(
                startMs: try periodRows.integer(row, 1), endMs: try periodRows.integer(row, 2),
                meanIntensity: try periodRows.real(row, 3), peakIntensity: try periodRows.real(row, 4)))
        }
        var marks: [String: [SessionMarkRecord]] = [:]
        let markRows = try connection.query("""
            SELECT session_id, kind, \(SQL.milliseconds("start_at")), \(SQL.milliseconds("end_at"))
            FROM session_marks WHERE session_id = ANY($1::uuid[]) ORDER BY session_id, start_at, kind
            """, [ids.value])
        for row in 0..<markRows.rowCount {
            guard let kind = SessionMarkKind(rawValue: try markRows.text(row, 1)) else {
                throw .corruptRow(table: "session_marks", column: "kind")
            }
            marks[try markRows.text(row, 0), default: []].append(SessionMarkRecord(
                kind: kind, startMs: try markRows.integer(row, 2), endMs: try markRows.integer(row, 3)))
        }
        return checkpoints.map { checkpoint in
            var checkpoint = checkpoint
            checkpoint.days = days[checkpoint.sessionId] ?? []
            return StoredSession(
                checkpoint: checkpoint, flowPeriods: periods[checkpoint.sessionId] ?? [],
                marks: marks[checkpoint.sessionId] ?? [])
        }
    }

    public func baseline(userId: String) throws(StoreError) -> BaselineRecord? {
        guard SQL.isUUID(userId) else { return nil }
        let result = try connection.query(
            "SELECT user_id, \(SQL.milliseconds("updated_at")), baseline, break_state FROM user_baselines WHERE user_id = $1", [.text(userId)])
        guard result.rowCount > 0 else { return nil }
        return BaselineRecord(userId: try result.text(0, 0), updatedAtMs: try result.integer(0, 1), bytes: try result.bytea(0, 2),
                              breaks: try result.bytea(0, 3))
    }

    public func dailyAggregates(fromDay: String, userId: String?) throws(StoreError) -> [UserDayTotals] {
        // An empty `fromDay` means "from the beginning" (the export asks for everything).
        let from: PGValue = fromDay.isEmpty ? .null : .text(fromDay)
        let columns = "user_id, \(SQL.dayText("day")), active_ms, flow_ms, keystrokes, lines_added, lines_deleted, languages"
        let rows: PGResult
        if let userId {
            guard SQL.isUUID(userId) else { return [] }
            // The (user_id, day) index.
            rows = try connection.query("""
                SELECT \(columns) FROM session_days
                WHERE user_id = $2 AND day >= COALESCE($1::date, '-infinity'::date) ORDER BY user_id, day
                """, [from, .text(userId)])
        } else {
            // One scan at start-up (leaderboards).
            rows = try connection.query("""
                SELECT \(columns) FROM session_days WHERE day >= COALESCE($1::date, '-infinity'::date) ORDER BY user_id, day
                """, [from])
        }
        var aggregates: [UserDayTotals] = []
        var lastKey: (user: String, day: String)?
        for row in 0..<rows.rowCount {
            let user = try rows.text(row, 0)
            let day = try rows.text(row, 1)
            if lastKey?.user != user || lastKey?.day != day {
                lastKey = (user, day)
                aggregates.append(UserDayTotals(
                    userId: user, day: day, activeMs: 0, flowMs: 0, keystrokes: 0, linesAdded: 0, linesDeleted: 0,
                    sessions: 0, languageMs: [:]))
            }
            let position = aggregates.count - 1
            aggregates[position].activeMs += try rows.integer(row, 2)
            aggregates[position].flowMs += try rows.integer(row, 3)
            aggregates[position].keystrokes += try rows.integer(row, 4)
            aggregates[position].linesAdded += try rows.integer(row, 5)
            aggregates[position].linesDeleted += try rows.integer(row, 6)
            aggregates[position].sessions += 1
            for (language, ms) in try rows.languageMap(row, 7) {
                aggregates[position].languageMs[language, default: 0] += ms
            }
        }
        return HeartbeatDayMerge.merge(aggregates, try heartbeatDays(fromDay: fromDay, userId: userId))
    }

    public func activeDays(userId: String, throughDay: String, minimumActiveMs: Int64, limit: Int) throws(StoreError) -> [String] {
        guard LocalTime.day(parsing: throughDay) != nil else {
            throw .invalidValue(what: "day '\(throughDay)' is not a YYYY-MM-DD date")
        }
        guard SQL.isUUID(userId), limit > 0 else { return [] }
        // The (user_id, day) index, walked backwards from `throughDay`.
        let rows = try connection.query("""
            SELECT \(SQL.dayText("day")) FROM (
                SELECT day, active_ms FROM session_days WHERE user_id = $1 AND day <= $2::date
                UNION ALL SELECT day, active_ms FROM heartbeat_days WHERE user_id = $1 AND day <= $2::date) AS d
            GROUP BY day HAVING sum(active_ms) >= $3 ORDER BY day DESC LIMIT $4
            """, [.text(userId), .text(throughDay), .integer(minimumActiveMs), .integer(Int64(limit))])
        return try (0..<rows.rowCount).map { row throws(StoreError) in try rows.text(row, 0) }
    }
}
