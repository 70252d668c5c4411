public import CoachingCore

/// `writeBatch`: the whole batch (sessions, their days and flow periods, baselines) as ONE
/// statement of multi-row upserts over `unnest`ed array parameters. A single statement is
/// a single transaction and a single round trip, whatever the batch size; all of it
/// commits, or none of it.
extension PostgresStore {
    private typealias SQL = PostgresSQL

    /// Data-modifying CTEs all read the snapshot taken before the statement, so `updated`
    /// and `inserted` never touch the same row; `written` holds the sessions whose
    /// checkpoint was new. Guards, as in SQLiteStore:
    /// - a session row is inserted only when its user exists, and updated only under the
    ///   seq guard (`SeqGuardSQL`, i.e. `SessionCheckpoint.supersedes(_:)`: same user, and a
    ///   higher seq or the same seq saying more);
    /// - days are upserted only for written sessions;
    /// - flow periods are inserted for sessions written now or already owned by the same
    ///   user, `ON CONFLICT DO NOTHING` (idempotent by (session, start)); timeline marks
    ///   likewise (by (session, kind, start));
    /// - a baseline replaces only an older one.
    /// Foreign keys of days and periods to the sessions inserted by the same statement are
    /// checked at the end of the statement, when those rows exist.
    static let writeBatchSQL = """
        WITH input AS (
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::bigint[], $5::bigint[], $6::boolean[], $7::text[],
                $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[],
                $15::bigint[], $16::double precision[])
            AS i(session_id, user_id, seq, started_ms, last_ms, ended, project, active_ms, flow_ms, keystrokes, lines_added,
                lines_deleted, flow_periods, interruptions, mean_recovery_ms, focus_score)
        ),
        -- One index probe per input row for what the snapshot holds: whether the session is
        -- stored, and under which user (new sessions and conflicting ones both come from it).
        probe AS (
            SELECT i.*, s.user_id AS stored_user_id
            FROM input i LEFT JOIN coding_sessions s ON s.session_id = i.session_id
        ),
        -- Existing sessions (the common case: every checkpoint after the first): a plain
        -- UPDATE joined with the input costs about 40% less server time than ON CONFLICT's
        -- speculative insertion and row lock.
        updated AS (
            UPDATE coding_sessions AS s SET
                seq = i.seq, last_at = \(SQL.timestamp("i.last_ms")), ended = i.ended, project = i.project,
                active_ms = i.active_ms, flow_ms = i.flow_ms, keystrokes = i.keystrokes, lines_added = i.lines_added,
                lines_deleted = i.lines_deleted, flow_periods = i.flow_periods, interruptions = i.interruptions,
                mean_recovery_ms = i.mean_recovery_ms, focus_score = i.focus_score
            FROM input i
            WHERE s.session_id = i.session_id AND \(SeqGuardSQL.supersedes(new: "i", stored: "s"))
            RETURNING s.session_id
        ),
        -- New sessions of existing users. ON CONFLICT (same guard) covers a session another
        -- connection inserted after this statement's snapshot.
        inserted AS (
            INSERT INTO coding_sessions AS s (session_id, user_id, seq, started_at, last_at, ended, project, active_ms, flow_ms,
                keystrokes, lines_added, lines_deleted, flow_periods, interruptions, mean_recovery_ms, focus_score)
            SELECT i.session_id, i.user_id, i.seq, \(SQL.timestamp("i.started_ms")), \(SQL.timestamp("i.last_ms")), i.ended,
                i.project, i.active_ms, i.flow_ms, i.keystrokes, i.lines_added, i.lines_deleted, i.flow_periods,
                i.interruptions, i.mean_recovery_ms, i.focus_score
            FROM probe i
            WHERE i.stored_user_id IS NULL AND EXISTS (SELECT 1 FROM users u WHERE u.id = i.user_id)
            ON CONFLICT (session_id) DO UPDATE SET
                seq = excluded.seq, last_at = excluded.last_at, ended = excluded.ended, project = excluded.project,
                active_ms = excluded.active_ms, flow_ms = excluded.flow_ms, keystrokes = excluded.keystrokes,
                lines_added = excluded.lines_added, lines_deleted = excluded.lines_deleted,
                flow_periods = excluded.flow_periods, interruptions = excluded.interruptions,
                mean_recovery_ms = excluded.mean_recovery_ms, focus_score = excluded.focus_score
            WHERE \(SeqGuardSQL.supersedes(new: "excluded", stored: "s"))
            RETURNING s.session_id
        ),
        written AS (
            SELECT session_id FROM updated UNION ALL SELECT session_id FROM inserted
        ),
        day_input AS (
            SELECT n.*, i.user_id
            FROM unnest($17::uuid[], $18::date[], $19::bigint[], $20::bigint[], $21::bigint[], $22::bigint[], $23::bigint[],
                $24::jsonb[]) AS n(session_id, day, active_ms, flow_ms, keystrokes, lines_added, lines_deleted, languages)
            JOIN input i ON i.session_id = n.session_id
            WHERE n.session_id IN (SELECT session_id FROM written)
        ),
        days_updated AS (
            UPDATE session_days AS d SET
                active_ms = n.active_ms, flow_ms = n.flow_ms, keystrokes = n.keystrokes, lines_added = n.lines_added,
                lines_deleted = n.lines_deleted, languages = n.languages
            FROM day_input n
            WHERE d.session_id = n.session_id AND d.day = n.day
            RETURNING d.session_id, d.day
        ),
        -- The days the UPDATE did not find (hashed, no second index probe); ON CONFLICT
        -- covers a day another connection inserted after this statement's snapshot.
        days_inserted AS (
            INSERT INTO session_days AS d (session_id, day, user_id, active_ms, flow_ms, keystrokes, lines_added,
                lines_deleted, languages)
            SELECT n.session_id, n.day, n.user_id, n.active_ms, n.flow_ms, n.keystrokes, n.lines_added, n.lines_deleted,
                n.languages
            FROM day_input n
            WHERE (n.session_id, n.day) NOT IN (SELECT u.session_id, u.day FROM days_updated u)
            ON CONFLICT (session_id, day) DO UPDATE SET
                active_ms = excluded.active_ms, flow_ms = excluded.flow_ms, keystrokes = excluded.keystrokes,
                lines_added = excluded.lines_added, lines_deleted = excluded.lines_deleted, languages = excluded.languages
            RETURNING 1
        ),
        periods AS (
            INSERT INTO flow_states (session_id, user_id, start_at, end_at, mean_intensity, peak_intensity)
            SELECT p.session_id, i.user_id, \(SQL.timestamp("p.start_ms")), \(SQL.timestamp("p.end_ms")), p.mean_intensity,
                p.peak_intensity
            FROM unnest($25::uuid[], $26::bigint[], $27::bigint[], $28::double precision[], $29::double precision[])
                AS p(session_id, start_ms, end_ms, mean_intensity, peak_intensity)
            JOIN input i ON i.session_id = p.session_id
            WHERE p.session_id IN (SELECT session_id FROM written)
                OR EXISTS (SELECT 1 FROM coding_sessions s WHERE s.session_id = i.session_id AND s.user_id = i.user_id)
            ON CONFLICT (session_id, start_at) DO NOTHING
            RETURNING 1
        ),
        marks AS (
            INSERT INTO session_marks (session_id, user_id, kind, start_at, end_at)
            SELECT m.session_id, i.user_id, m.kind, \(SQL.timestamp("m.start_ms")), \(SQL.timestamp("m.end_ms"))
            FROM unnest($34::uuid[], $35::text[], $36::bigint[], $37::bigint[]) AS m(session_id, kind, start_ms, end_ms)
            JOIN input i ON i.session_id = m.session_id
            WHERE m.session_id IN (SELECT session_id FROM written)
                OR EXISTS (SELECT 1 FROM coding_sessions s WHERE s.session_id = i.session_id AND s.user_id = i.user_id)
            ON CONFLICT (session_id, kind, start_at) DO NOTHING
            RETURNING 1
        ),
        baseline_input AS (
            SELECT * FROM unnest($30::uuid[], $31::bigint[], $32::bytea[], $33::bytea[])
                AS b(user_id, updated_ms, baseline, break_state)
        ),
        baselines AS (
            INSERT INTO user_baselines AS ub (user_id, updated_at, baseline, break_state)
            SELECT b.user_id, \(SQL.timestamp("b.updated_ms")), b.baseline, b.break_state FROM baseline_input b
            WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = b.user_id)
            ON CONFLICT (user_id) DO UPDATE SET updated_at = excluded.updated_at, baseline = excluded.baseline,
                break_state = excluded.break_state
            WHERE excluded.updated_at > ub.updated_at
            RETURNING 1
        )
        SELECT
            (SELECT count(*) FROM written),
            -- A session stored under its own user proves that user exists (foreign key): only
            -- the others need a look at users.
            (SELECT count(*) FROM probe p WHERE p.stored_user_id IS DISTINCT FROM p.user_id
                AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.user_id)),
            (SELECT count(*) FROM baselines),
            (SELECT count(*) FROM baseline_input b WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = b.user_id)),
            (SELECT count(*) FROM input),
            -- Sessions stored under another user: not kept, and never acknowledged.
            (SELECT string_agg(p.session_id::text, ',') FROM probe p WHERE p.stored_user_id <> p.user_id)
        """

    @discardableResult
    public func writeBatch(_ checkpoints: [SessionCheckpoint], baselines: [BaselineRecord]) throws(StoreError) -> BatchSummary {
        let batch = try PostgresBatch(checkpoints: checkpoints, baselines: baselines)
        guard !batch.isEmpty else { return batch.summary }
        return try Self.summary(batch.summary, adding: try connection.query(Self.writeBatchSQL, batch.parameters))
    }

    public func claimSession(id: String, userId: String, startedAtMs: Int64, project: String?) throws(StoreError) -> SessionClaim {
        guard SQL.isUUID(id), SQL.isUUID(userId) else { return .noSuchUser }
        // ON CONFLICT DO NOTHING: the first claim wins, on whichever node it ran.
        let inserted = try connection.query("""
            INSERT INTO coding_sessions (session_id, user_id, seq, started_at, last_at, ended, project, active_ms, flow_ms,
                keystrokes, lines_added, lines_deleted, flow_periods, interruptions, mean_recovery_ms, focus_score)
            SELECT $1::uuid, $2::uuid, 0, \(SQL.timestamp("$3::bigint")), \(SQL.timestamp("$3::bigint")), false, $4::text,
                0, 0, 0, 0, 0, 0, 0, 0, 0
            WHERE EXISTS (SELECT 1 FROM users WHERE id = $2::uuid)
            ON CONFLICT (session_id) DO NOTHING
            """, [.text(id), .text(userId), .integer(startedAtMs), .optionalText(project)])
        if inserted.affectedRows == 1 { return .claimed }
        return try session(id: id).map(SessionClaim.existing) ?? .noSuchUser
    }

    /// `normalized` (what the batch's normalization counted) plus the statement's counts.
    static func summary(_ normalized: BatchSummary, adding result: PGResult) throws(StoreError) -> BatchSummary {
        var summary = normalized
        // Every input row was written, or covered by a stored seq at least as new (stale), or
        // its user does not exist (orphaned; a stored session always has its user: the
        // foreign key cascades a purge).
        let written = Int(try result.integer(0, 0))
        let orphaned = Int(try result.integer(0, 1))
        summary.stored += written
        summary.orphaned += orphaned + Int(try result.integer(0, 3))
        let conflicting = try result.optionalText(0, 5).map { $0.split(separator: ",").map(String.init) } ?? []
        summary.conflicting += conflicting
        summary.stale += Int(try result.integer(0, 4)) - written - orphaned - conflicting.count
        summary.baselinesStored += Int(try result.integer(0, 2))
        return summary
    }
}
