/// Timeline marks (see `SQLiteSchema.marksMigration`): interrupted and idle stretches and
/// break reminders per session, keyed by session, kind and start; `goal_changes` and
/// `goals_reached.goal` as in SQLite.
///
/// A self-contained migration: renumber it freely if another lands first.
extension PostgresSchema {
    static let marksMigration = Migration(version: 7, name: "session_marks_goal_changes", sql: """
        CREATE TABLE session_marks (
            session_id uuid NOT NULL REFERENCES coding_sessions(session_id) ON DELETE CASCADE,
            user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind text NOT NULL CHECK (kind IN ('interrupted', 'idle', 'break')),
            start_at timestamptz NOT NULL,
            end_at timestamptz NOT NULL CHECK (end_at >= start_at),
            PRIMARY KEY (session_id, kind, start_at)
        );
        CREATE INDEX session_marks_user ON session_marks (user_id);
        CREATE TABLE goal_changes (
            user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            changed_at timestamptz NOT NULL
        );
        CREATE INDEX goal_changes_time ON goal_changes (changed_at);
        ALTER TABLE goals_reached ADD COLUMN goal text NOT NULL DEFAULT '';
        """)
}
