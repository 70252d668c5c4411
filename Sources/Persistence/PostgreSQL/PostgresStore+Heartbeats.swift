public import CoachingCore

/// WakaTime-compatible heartbeats (see `SQLiteStore+Heartbeats`): the same rows and rules,
/// duplicates skipped by the primary key. One INSERT per heartbeat inside the request's
/// transaction: plugins send tens per request, far from the checkpoint path's volume.
extension PostgresStore {
    private typealias SQL = PostgresSQL

    public func ingestHeartbeats(_ ingest: HeartbeatIngest) throws(StoreError) -> HeartbeatIngestResult {
        guard SQL.isUUID(ingest.userId) else { throw .notFound(what: "user \(ingest.userId)") }
        return try connection.transaction { () throws(StoreError) in
            guard try user(id: ingest.userId) != nil else { throw .notFound(what: "user \(ingest.userId)") }
            var stored: [Bool] = []
            stored.reserveCapacity(ingest.heartbeats.count)
            for beat in ingest.heartbeats {
                let inserted = try connection.query("""
                    INSERT INTO heartbeats (user_id, time_ms, entity, type, project, branch, language, is_write, category,
                        editor, machine, received_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \(SQL.timestamp("$12::bigint")))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """, [
                        .text(ingest.userId), .integer(beat.timeMs), .text(beat.entity), .text(beat.type), .text(beat.project),
                        .text(beat.branch), .text(beat.language), .bool(beat.isWrite), .text(beat.category), .text(beat.editor),
                        .text(beat.machine), .integer(ingest.receivedAtMs),
                    ])
                stored.append(inserted.rowCount > 0)
            }
            let window = try heartbeats(userId: ingest.userId, fromMs: ingest.loadFromMs, toMs: ingest.loadToMs)
            let spans = try sessionSpans(userId: ingest.userId, fromMs: ingest.loadFromMs, toMs: ingest.loadToMs)
            let computed = ingest.recompute(window, spans).filter { ingest.days.contains($0.day) }
            var before: [String: HeartbeatIngestResult.DayTime] = [:]
            var after: [String: HeartbeatIngestResult.DayTime] = [:]
            for day in ingest.days {
                let old = try connection.query(
                    "DELETE FROM heartbeat_days WHERE user_id = $1 AND day = $2::date RETURNING active_ms, languages",
                    [.text(ingest.userId), .text(day)])
                before[day] = old.rowCount > 0
                    ? HeartbeatIngestResult.DayTime(activeMs: try old.integer(0, 0), languageMs: try old.languageMap(0, 1))
                    : HeartbeatIngestResult.DayTime(activeMs: 0, languageMs: [:])
                after[day] = HeartbeatIngestResult.DayTime(activeMs: 0, languageMs: [:])
            }
            for day in computed where day.activeMs > 0 {
                _ = try connection.query(
                    "INSERT INTO heartbeat_days (user_id, day, active_ms, languages) VALUES ($1, $2::date, $3, $4::jsonb)",
                    [.text(ingest.userId), .text(day.day), .integer(day.activeMs), .text(LanguageMapJSON.encode(day.languageMs))])
                after[day.day] = HeartbeatIngestResult.DayTime(activeMs: day.activeMs, languageMs: day.languageMs)
            }
            return HeartbeatIngestResult(stored: stored, before: before, after: after)
        }
    }

    public func heartbeats(userId: String, fromMs: Int64, toMs: Int64) throws(StoreError) -> [HeartbeatRecord] {
        guard SQL.isUUID(userId) else { return [] }
        let rows = try connection.query("""
            SELECT time_ms, entity, type, project, branch, language, is_write, category, editor, machine FROM heartbeats
            WHERE user_id = $1 AND time_ms >= $2 AND time_ms < $3 ORDER BY time_ms, entity COLLATE "C"
            """, [.text(userId), .integer(fromMs), .integer(toMs)])
        return try (0..<rows.rowCount).map { row throws(StoreError) in
            HeartbeatRecord(
                timeMs: try rows.integer(row, 0), entity: try rows.text(row, 1), type: try rows.text(row, 2),
                category: try rows.text(row, 7), project: try rows.text(row, 3), branch: try rows.text(row, 4),
                language: try rows.text(row, 5), isWrite: try rows.bool(row, 6), editor: try rows.text(row, 8),
                machine: try rows.text(row, 9))
        }
    }

    public func sessionSpans(userId: String, fromMs: Int64, toMs: Int64) throws(StoreError) -> [TimeSpan] {
        guard SQL.isUUID(userId) else { return [] }
        let from = SQL.clampedRangeMs(fromMs)
        let rows = try connection.query("""
            SELECT \(SQL.milliseconds("started_at")), \(SQL.milliseconds("last_at")) FROM coding_sessions
            WHERE user_id = $1 AND started_at >= \(SQL.timestamp("$2::bigint")) AND started_at < \(SQL.timestamp("$3::bigint"))
                AND last_at > \(SQL.timestamp("$4::bigint"))
            ORDER BY started_at
            """, [.text(userId), .integer(SQL.clampedRangeMs(from - SQLiteStore.longestSessionMs)), .integer(SQL.clampedRangeMs(toMs)), .integer(from)])
        return try (0..<rows.rowCount).map { row throws(StoreError) in
            TimeSpan(startMs: try rows.integer(row, 0), endMs: try rows.integer(row, 1))
        }
    }

    public func heartbeatTimeoutMs(userId: String) throws(StoreError) -> Int64? {
        guard SQL.isUUID(userId) else { return nil }
        let rows = try connection.query("SELECT keystroke_timeout_ms FROM heartbeat_settings WHERE user_id = $1", [.text(userId)])
        return rows.rowCount > 0 ? try rows.integer(0, 0) : nil
    }

    public func setHeartbeatTimeoutMs(_ timeoutMs: Int64?, userId: String) throws(StoreError) {
        guard SQL.isUUID(userId) else { throw .notFound(what: "user \(userId)") }
        guard let timeoutMs else {
            _ = try connection.query("DELETE FROM heartbeat_settings WHERE user_id = $1", [.text(userId)])
            return
        }
        guard try user(id: userId) != nil else { throw .notFound(what: "user \(userId)") }
        _ = try connection.query("""
            INSERT INTO heartbeat_settings (user_id, keystroke_timeout_ms) VALUES ($1, $2)
            ON CONFLICT (user_id) DO UPDATE SET keystroke_timeout_ms = excluded.keystroke_timeout_ms
            """, [.text(userId), .integer(timeoutMs)])
    }

    /// Heartbeat time per (user, day) from `fromDay` (empty: from the beginning).
    func heartbeatDays(fromDay: String, userId: String?) throws(StoreError) -> [(userId: String, day: String, time: HeartbeatIngestResult.DayTime)] {
        let from: PGValue = fromDay.isEmpty ? .null : .text(fromDay)
        let rows: PGResult
        let columns = "user_id, \(SQL.dayText("day")), active_ms, languages"
        if let userId {
            guard SQL.isUUID(userId) else { return [] }
            rows = try connection.query("""
                SELECT \(columns) FROM heartbeat_days WHERE user_id = $2 AND day >= COALESCE($1::date, '-infinity'::date)
                """, [from, .text(userId)])
        } else {
            rows = try connection.query(
                "SELECT \(columns) FROM heartbeat_days WHERE day >= COALESCE($1::date, '-infinity'::date)", [from])
        }
        return try (0..<rows.rowCount).map { row throws(StoreError) in
            (try rows.text(row, 0), try rows.text(row, 1),
             HeartbeatIngestResult.DayTime(activeMs: try rows.integer(row, 2), languageMs: try rows.languageMap(row, 3)))
        }
    }
}
