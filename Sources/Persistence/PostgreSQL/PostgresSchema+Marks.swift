/// Timeline marks (see `SQLiteSchema.marksMigration`): interrupted and idle stretches and
/// break reminders per session, keyed by session, kind and start.
///
/// A self-contained migration: renumber it freely if another lands first.
extension PostgresSchema {
    static let marksMigration = Migration(version: 6, name: "session_marks", sql: """
        CREATE TABLE session_marks (
            session_id uuid NOT NULL REFERENCES coding_sessions(session_id) ON DELETE CASCADE,
            user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind text NOT NULL CHECK (kind IN ('interrupted', 'idle', 'break')),
            start_at timestamptz NOT NULL,
            end_at timestamptz NOT NULL CHECK (end_at >= start_at),
            PRIMARY KEY (session_id, kind, start_at)
        );
        CREATE INDEX session_marks_user ON session_marks (user_id);
        """)
}
