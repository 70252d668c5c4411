/// `writeBatch`: session checkpoints, flow periods, per-day totals and baselines in one
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

    private func userExists(_ userId: String) throws(StoreError) -> Bool {
        try connection.statement("SELECT 1 FROM users WHERE id = ?").queryFirst([.text(userId)]) { _ throws(StoreError) in true } ?? false
    }

    private func write(_ checkpoint: SessionCheckpoint, into summary: inout BatchSummary) throws(StoreError) {
        let owner = try connection.statement("SELECT user_id, seq FROM coding_sessions WHERE session_id = ?")
            .queryFirst([.text(checkpoint.sessionId)]) { row throws(StoreError) in (try row.text(0), try row.integer(1)) }
        if let owner {
            // A session id belongs to the user who created it; another user's checkpoint for
            // it (a guessed id) changes nothing. An older or equal seq is a replay.
            guard owner.0 == checkpoint.userId, owner.1 < checkpoint.seq else {
                if owner.0 == checkpoint.userId { try insertFlowPeriods(of: checkpoint) }
                summary.stale += 1
                return
            }
        } else if try !userExists(checkpoint.userId) {
            summary.orphaned += 1
            return
        }
        let totals = checkpoint.totals
        // The seq guard is repeated in SQL so the statement alone is already idempotent.
        let changed = try connection.statement("""
            INSERT INTO coding_sessions (session_id, user_id, seq, started_at_ms, last_at_ms, ended, project,
                active_ms, flow_ms, keystrokes, lines_added, lines_deleted, flow_periods, interruptions,
                mean_recovery_ms, focus_score)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (session_id) DO UPDATE SET
                seq = excluded.seq, started_at_ms = excluded.started_at_ms, last_at_ms = excluded.last_at_ms,
                ended = excluded.ended, project = excluded.project, active_ms = excluded.active_ms,
                flow_ms = excluded.flow_ms, keystrokes = excluded.keystrokes, lines_added = excluded.lines_added,
                lines_deleted = excluded.lines_deleted, flow_periods = excluded.flow_periods,
                interruptions = excluded.interruptions, mean_recovery_ms = excluded.mean_recovery_ms,
                focus_score = excluded.focus_score
            WHERE excluded.seq > coding_sessions.seq AND excluded.user_id = coding_sessions.user_id
            """).run([
                .text(checkpoint.sessionId), .text(checkpoint.userId), .integer(checkpoint.seq),
                .integer(checkpoint.startedAtMs), .integer(checkpoint.lastAtMs), .bool(checkpoint.ended),
                .optionalText(checkpoint.project), .integer(totals.activeMs), .integer(totals.flowMs),
                .integer(totals.keystrokes), .integer(totals.linesAdded), .integer(totals.linesDeleted),
                .integer(totals.flowPeriods), .integer(totals.interruptions), .integer(totals.meanRecoveryMs),
                .real(totals.focusScore),
            ])
        guard changed == 1 else {
            summary.stale += 1
            return
        }
        for day in checkpoint.days {
            try write(day, of: checkpoint)
        }
        try insertFlowPeriods(of: checkpoint)
        summary.stored += 1
    }

    private func write(_ day: SessionDayTotals, of checkpoint: SessionCheckpoint) throws(StoreError) {
        try connection.statement("""
            INSERT INTO session_days (session_id, day, user_id, active_ms, flow_ms, keystrokes, lines_added, lines_deleted)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (session_id, day) DO UPDATE SET active_ms = excluded.active_ms, flow_ms = excluded.flow_ms,
                keystrokes = excluded.keystrokes, lines_added = excluded.lines_added, lines_deleted = excluded.lines_deleted
            """).run([
                .text(checkpoint.sessionId), .text(day.day), .text(checkpoint.userId), .integer(day.activeMs),
                .integer(day.flowMs), .integer(day.keystrokes), .integer(day.linesAdded), .integer(day.linesDeleted),
            ])
        let language = try connection.statement("""
            INSERT INTO session_day_languages (session_id, day, language, user_id, active_ms) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (session_id, day, language) DO UPDATE SET active_ms = excluded.active_ms
            """)
        for (name, ms) in day.languageMs {
            try language.run([.text(checkpoint.sessionId), .text(day.day), .text(name), .text(checkpoint.userId), .integer(ms)])
        }
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

    private func write(_ baseline: BaselineRecord, into summary: inout BatchSummary) throws(StoreError) {
        guard try userExists(baseline.userId) else {
            summary.orphaned += 1
            return
        }
        let changed = try connection.statement("""
            INSERT INTO user_baselines (user_id, updated_at_ms, baseline) VALUES (?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET updated_at_ms = excluded.updated_at_ms, baseline = excluded.baseline
            WHERE excluded.updated_at_ms > user_baselines.updated_at_ms
            """).run([.text(baseline.userId), .integer(baseline.updatedAtMs), .blob(baseline.bytes)])
        summary.baselinesStored += changed
    }
}
