public import CoachingCore

/// `writeBatch`: session checkpoints, flow periods, timeline marks, per-day totals and baselines in one
/// transaction, idempotent under replay.
extension SQLiteStore {
    @discardableResult
    public func writeBatch(_ checkpoints: [SessionCheckpoint], baselines: [BaselineRecord]) throws(StoreError) -> BatchSummary {
        try transaction { () throws(StoreError) in
            var summary = BatchSummary()
            for checkpoint in checkpoints {
                try write(checkpoint, into: &summary)
            }
            for baseline in baselines {
                try write(baseline, into: &summary)
            }
            return summary
        }
    }

    private func write(_ checkpoint: SessionCheckpoint, into summary: inout BatchSummary) throws(StoreError) {
        let totals = checkpoint.totals
        // One statement does the whole guard: the row is inserted only when the user exists,
        // and updated only under the seq guard (`SeqGuardSQL`): same user, and a higher seq
        // or the same seq saying more. Replays and a guessed session id of someone else change
        // nothing.
        let changed = try connection.statement(cachedAs: "coding_sessions upsert", text: Self.upsertSessionSQL).run([
            .text(checkpoint.sessionId), .text(checkpoint.userId), .integer(checkpoint.seq),
            .integer(checkpoint.startedAtMs), .integer(checkpoint.lastAtMs), .bool(checkpoint.ended),
            .optionalText(checkpoint.project), .integer(totals.activeMs), .integer(totals.flowMs),
            .integer(totals.keystrokes), .integer(totals.linesAdded), .integer(totals.linesDeleted),
            .integer(totals.flowPeriods), .integer(totals.interruptions), .integer(totals.meanRecoveryMs),
            .real(totals.focusScore),
        ])
        guard changed == 1 else {
            // Nothing written: a replay (older or equal seq), another user's session id, or
            // a user purged meanwhile. Classify it (rare path) and keep any new flow periods.
            let owner = try connection.statement("SELECT user_id FROM coding_sessions WHERE session_id = ?")
                .queryFirst([.text(checkpoint.sessionId)]) { row throws(StoreError) in try row.text(0) }
            if owner == nil {
                summary.orphaned += 1
            } else if owner == checkpoint.userId {
                try insertFlowPeriods(of: checkpoint)
                try insertMarks(of: checkpoint)
                summary.stale += 1
            } else {
                summary.conflicting.append(checkpoint.sessionId)
            }
            return
        }
        for day in checkpoint.days {
            try write(day, of: checkpoint)
        }
        try insertFlowPeriods(of: checkpoint)
        try insertMarks(of: checkpoint)
        summary.stored += 1
    }

    public func claimSession(id: String, userId: String, startedAtMs: Int64, project: String?) throws(StoreError) -> SessionClaim {
        // ON CONFLICT DO NOTHING: the first claim wins, in whichever connection it ran.
        let inserted = try connection.statement(cachedAs: "coding_sessions claim", text: """
            INSERT INTO coding_sessions (session_id, user_id, seq, started_at_ms, last_at_ms, ended, project,
                active_ms, flow_ms, keystrokes, lines_added, lines_deleted, flow_periods, interruptions,
                mean_recovery_ms, focus_score)
            SELECT ?1, ?2, 0, ?3, ?3, 0, ?4, 0, 0, 0, 0, 0, 0, 0, 0, 0
            WHERE EXISTS (SELECT 1 FROM users WHERE id = ?2)
            ON CONFLICT (session_id) DO NOTHING
            """).run([.text(id), .text(userId), .integer(startedAtMs), .optionalText(project)])
        if inserted == 1 { return .claimed }
        return try session(id: id).map(SessionClaim.existing) ?? .noSuchUser
    }

    /// The session upsert. `INSERT … SELECT … WHERE … ON CONFLICT` needs the WHERE, which
    /// the EXISTS provides.
    static let upsertSessionSQL = """
        INSERT INTO coding_sessions (session_id, user_id, seq, started_at_ms, last_at_ms, ended, project,
            active_ms, flow_ms, keystrokes, lines_added, lines_deleted, flow_periods, interruptions,
            mean_recovery_ms, focus_score)
        SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16
        WHERE EXISTS (SELECT 1 FROM users WHERE id = ?2)
        ON CONFLICT (session_id) DO UPDATE SET
            seq = excluded.seq, last_at_ms = excluded.last_at_ms,
            ended = excluded.ended, project = excluded.project, active_ms = excluded.active_ms,
            flow_ms = excluded.flow_ms, keystrokes = excluded.keystrokes, lines_added = excluded.lines_added,
            lines_deleted = excluded.lines_deleted, flow_periods = excluded.flow_periods,
            interruptions = excluded.interruptions, mean_recovery_ms = excluded.mean_recovery_ms,
            focus_score = excluded.focus_score
        WHERE \(SeqGuardSQL.supersedes(new: "excluded", stored: "coding_sessions"))
        """

    private func write(_ day: SessionDayTotals, of checkpoint: SessionCheckpoint) throws(StoreError) {
        try connection.statement("""
            INSERT INTO session_days (session_id, day, user_id, active_ms, flow_ms, keystrokes, lines_added, lines_deleted, languages)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (session_id, day) DO UPDATE SET active_ms = excluded.active_ms, flow_ms = excluded.flow_ms,
                keystrokes = excluded.keystrokes, lines_added = excluded.lines_added, lines_deleted = excluded.lines_deleted,
                languages = excluded.languages
            """).run([
                .text(checkpoint.sessionId), .text(day.day), .text(checkpoint.userId), .integer(day.activeMs),
                .integer(day.flowMs), .integer(day.keystrokes), .integer(day.linesAdded), .integer(day.linesDeleted),
                .text(LanguageMapJSON.encode(day.languageMs)),
            ])
    }

    private func insertFlowPeriods(of checkpoint: SessionCheckpoint) throws(StoreError) {
        guard !checkpoint.completedFlowPeriods.isEmpty else { return }
        let insert = try connection.statement("""
            INSERT INTO flow_states (session_id, user_id, start_ms, end_ms, mean_intensity, peak_intensity)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, start_ms) DO NOTHING
            """)
        for period in checkpoint.completedFlowPeriods {
            try insert.run([
                .text(checkpoint.sessionId), .text(checkpoint.userId), .integer(period.startMs), .integer(period.endMs),
                .real(period.meanIntensity), .real(period.peakIntensity),
            ])
        }
    }

    private func insertMarks(of checkpoint: SessionCheckpoint) throws(StoreError) {
        guard !checkpoint.completedMarks.isEmpty else { return }
        let insert = try connection.statement("""
            INSERT INTO session_marks (session_id, user_id, kind, start_ms, end_ms)
            VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, kind, start_ms) DO NOTHING
            """)
        for mark in checkpoint.completedMarks {
            try insert.run([
                .text(checkpoint.sessionId), .text(checkpoint.userId), .text(mark.kind.rawValue), .integer(mark.startMs),
                .integer(mark.endMs),
            ])
        }
    }

    private func write(_ baseline: BaselineRecord, into summary: inout BatchSummary) throws(StoreError) {
        let exists = try connection.statement("SELECT 1 FROM users WHERE id = ?")
            .queryFirst([.text(baseline.userId)]) { _ throws(StoreError) in true } ?? false
        guard exists else {
            summary.orphaned += 1
            return
        }
        let changed = try connection.statement("""
            INSERT INTO user_baselines (user_id, updated_at_ms, baseline, break_state) VALUES (?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET updated_at_ms = excluded.updated_at_ms, baseline = excluded.baseline,
                break_state = excluded.break_state
            WHERE excluded.updated_at_ms > user_baselines.updated_at_ms
            """).run([.text(baseline.userId), .integer(baseline.updatedAtMs), .blob(baseline.bytes), .blob(baseline.breaks)])
        summary.baselinesStored += changed
    }
}
