public import CoachingCore

/// WakaTime-compatible heartbeats: stored deduplicated, their per-day time kept in
/// `heartbeat_days` beside `session_days` (docs/STORAGE.md "Heartbeats").
extension SQLiteStore {
    private static let heartbeatColumns =
        "time_ms, entity, type, project, branch, language, is_write, category, editor, machine"

    public func ingestHeartbeats(_ ingest: HeartbeatIngest) throws(StoreError) -> HeartbeatIngestResult {
        try transaction { () throws(StoreError) in
            guard try user(id: ingest.userId) != nil else { throw .notFound(what: "user \(ingest.userId)") }
            let insert = try connection.statement("""
                INSERT INTO heartbeats (user_id, time_ms, entity, type, project, branch, language, is_write, category,
                    editor, machine, received_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
            var stored: [Bool] = []
            stored.reserveCapacity(ingest.heartbeats.count)
            for beat in ingest.heartbeats {
                let changed = try insert.run([
                    .text(ingest.userId), .integer(beat.timeMs), .text(beat.entity), .text(beat.type), .text(beat.project),
                    .text(beat.branch), .text(beat.language), .bool(beat.isWrite), .text(beat.category), .text(beat.editor),
                    .text(beat.machine), .integer(ingest.receivedAtMs),
                ])
                stored.append(changed > 0)
            }
            let window = try heartbeats(userId: ingest.userId, fromMs: ingest.loadFromMs, toMs: ingest.loadToMs)
            let spans = try sessionSpans(userId: ingest.userId, fromMs: ingest.loadFromMs, toMs: ingest.loadToMs)
            let computed = ingest.recompute(window, spans).filter { ingest.days.contains($0.day) }
            var before: [String: HeartbeatIngestResult.DayTime] = [:]
            let read = try connection.statement("SELECT active_ms, languages FROM heartbeat_days WHERE user_id = ? AND day = ?")
            let delete = try connection.statement("DELETE FROM heartbeat_days WHERE user_id = ? AND day = ?")
            for day in ingest.days {
                let old = try read.queryFirst([.text(ingest.userId), .text(day)]) { row throws(StoreError) in
                    HeartbeatIngestResult.DayTime(activeMs: try row.integer(0), languageMs: try Self.heartbeatLanguages(row, 1))
                }
                before[day] = old ?? HeartbeatIngestResult.DayTime(activeMs: 0, languageMs: [:])
                _ = try delete.run([.text(ingest.userId), .text(day)])
            }
            var after: [String: HeartbeatIngestResult.DayTime] = Dictionary(
                uniqueKeysWithValues: ingest.days.map { ($0, HeartbeatIngestResult.DayTime(activeMs: 0, languageMs: [:])) })
            let write = try connection.statement("INSERT INTO heartbeat_days (user_id, day, active_ms, languages) VALUES (?, ?, ?, ?)")
            for day in computed where day.activeMs > 0 {
                _ = try write.run([.text(ingest.userId), .text(day.day), .integer(day.activeMs), .text(LanguageMapJSON.encode(day.languageMs))])
                after[day.day] = HeartbeatIngestResult.DayTime(activeMs: day.activeMs, languageMs: day.languageMs)
            }
            return HeartbeatIngestResult(stored: stored, before: before, after: after)
        }
    }

    public func heartbeats(userId: String, fromMs: Int64, toMs: Int64) throws(StoreError) -> [HeartbeatRecord] {
        try connection.statement(text: """
            SELECT \(Self.heartbeatColumns) FROM heartbeats WHERE user_id = ? AND time_ms >= ? AND time_ms < ?
            ORDER BY time_ms, entity
            """).query([.text(userId), .integer(fromMs), .integer(toMs)]) { row throws(StoreError) in
                HeartbeatRecord(
                    timeMs: try row.integer(0), entity: try row.text(1), type: try row.text(2), category: try row.text(7),
                    project: try row.text(3), branch: try row.text(4), language: try row.text(5), isWrite: try row.bool(6),
                    editor: try row.text(8), machine: try row.text(9))
            }
    }

    public func sessionSpans(userId: String, fromMs: Int64, toMs: Int64) throws(StoreError) -> [TimeSpan] {
        // Sessions never last over a day, so the (user_id, started_at_ms) index bounds the scan.
        try connection.statement("""
            SELECT started_at_ms, last_at_ms FROM coding_sessions
            WHERE user_id = ? AND started_at_ms >= ? AND started_at_ms < ? AND last_at_ms > ? ORDER BY started_at_ms
            """).query([.text(userId), .integer(fromMs.subtractingClamped(Self.longestSessionMs)), .integer(toMs), .integer(fromMs)]) {
                row throws(StoreError) in TimeSpan(startMs: try row.integer(0), endMs: try row.integer(1))
            }
    }

    public func heartbeatTimeoutMs(userId: String) throws(StoreError) -> Int64? {
        try connection.statement("SELECT keystroke_timeout_ms FROM heartbeat_settings WHERE user_id = ?")
            .queryFirst([.text(userId)]) { row throws(StoreError) in try row.integer(0) }
    }

    public func setHeartbeatTimeoutMs(_ timeoutMs: Int64?, userId: String) throws(StoreError) {
        guard let timeoutMs else {
            _ = try connection.statement("DELETE FROM heartbeat_settings WHERE user_id = ?").run([.text(userId)])
            return
        }
        guard try user(id: userId) != nil else { throw .notFound(what: "user \(userId)") }
        _ = try connection.statement("""
            INSERT INTO heartbeat_settings (user_id, keystroke_timeout_ms) VALUES (?, ?)
            ON CONFLICT (user_id) DO UPDATE SET keystroke_timeout_ms = excluded.keystroke_timeout_ms
            """).run([.text(userId), .integer(timeoutMs)])
    }

    /// Heartbeat time per (user, day) from `fromDay`, for `dailyAggregates`.
    func heartbeatDays(fromDay: String, userId: String?) throws(StoreError) -> [(userId: String, day: String, time: HeartbeatIngestResult.DayTime)] {
        let userFilter = userId == nil ? "" : " AND user_id = ?"
        var values: [SQLiteValue] = [.text(fromDay)]
        if let userId { values.append(.text(userId)) }
        return try connection.statement(text: "SELECT user_id, day, active_ms, languages FROM heartbeat_days WHERE day >= ?\(userFilter)")
            .query(values) { row throws(StoreError) in
                (try row.text(0), try row.text(1),
                 HeartbeatIngestResult.DayTime(activeMs: try row.integer(2), languageMs: try Self.heartbeatLanguages(row, 3)))
            }
    }

    private static func heartbeatLanguages(_ row: SQLiteRow, _ column: Int32) throws(StoreError) -> [String: Int64] {
        guard let map = LanguageMapJSON.decode(try row.text(column)) else {
            throw .corruptRow(table: "heartbeat_days", column: "languages")
        }
        return map
    }

    /// Upper bound of a session's length used to bound span look-ups (a session expires
    /// long before; a day is generous).
    static let longestSessionMs: Int64 = 2 * 86_400_000
}

extension Int64 {
    func subtractingClamped(_ other: Int64) -> Int64 {
        let (result, overflow) = subtractingReportingOverflow(other)
        return overflow ? .min : result
    }
}
