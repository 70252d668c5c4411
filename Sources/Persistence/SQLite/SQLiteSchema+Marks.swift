/// Timeline marks (`SessionMarkRecord`): a session's interrupted and idle stretches and the
/// break reminders it triggered, one row each, keyed like `flow_states` by session and start
/// (and kind: a reminder can fall on a state change). A break reminder has `end_ms = start_ms`.
///
/// The same migration records goal changes for the server to poll (`goal_changes`, one row
/// per user, the time of their last `setGoal`) and which goal a reached period was claimed
/// for (`goals_reached.goal`, a `UserGoal.signature`; '' for rows from before).
///
/// A self-contained migration: renumber it freely if another lands first.
extension SQLiteSchema {
    static let marksMigration = Migration(version: 6, name: "session_marks_goal_changes", sql: """
        CREATE TABLE session_marks (
            session_id TEXT NOT NULL REFERENCES coding_sessions(session_id) ON DELETE CASCADE,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('interrupted', 'idle', 'break')),
            start_ms INTEGER NOT NULL,
            end_ms INTEGER NOT NULL CHECK (end_ms >= start_ms),
            PRIMARY KEY (session_id, kind, start_ms)
        ) WITHOUT ROWID;
        CREATE INDEX session_marks_user ON session_marks(user_id);
        CREATE TABLE goal_changes (
            user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            changed_at_ms INTEGER NOT NULL
        );
        CREATE INDEX goal_changes_time ON goal_changes(changed_at_ms);
        ALTER TABLE goals_reached ADD COLUMN goal TEXT NOT NULL DEFAULT '';
        """)
}
