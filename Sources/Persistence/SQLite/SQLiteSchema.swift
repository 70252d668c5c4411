/// The SQLite schema as numbered migrations. A migration is never edited once released:
/// a change is a new entry with the next version. `SQLiteStore.migrate()` applies the
/// missing ones in order, each in its own transaction, and records it in
/// `schema_migrations`. docs/STORAGE.md shows the resulting schema.
enum SQLiteSchema {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    static let migrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at_ms INTEGER NOT NULL
        );
        """

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "accounts", sql: """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                display_name TEXT NOT NULL,
                time_zone TEXT NOT NULL DEFAULT 'UTC',
                created_at_ms INTEGER NOT NULL
            );
            CREATE TABLE tokens (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                scope TEXT NOT NULL CHECK (scope IN ('ingest', 'read')),
                secret_hash BLOB NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
                created_at_ms INTEGER NOT NULL,
                revoked_at_ms INTEGER
            );
            CREATE INDEX tokens_user ON tokens(user_id);
            CREATE TABLE teams (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at_ms INTEGER NOT NULL
            );
            CREATE TABLE team_members (
                team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                data_sharing_consent INTEGER NOT NULL DEFAULT 0,
                joined_at_ms INTEGER NOT NULL,
                PRIMARY KEY (team_id, user_id)
            );
            CREATE INDEX team_members_user ON team_members(user_id);
            CREATE TABLE privacy_settings (
                user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                leaderboard_visible INTEGER NOT NULL,
                share_project_names INTEGER NOT NULL,
                updated_at_ms INTEGER NOT NULL
            );
            """),
        Migration(version: 2, name: "sessions", sql: """
            CREATE TABLE coding_sessions (
                session_id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                seq INTEGER NOT NULL CHECK (seq >= 0),
                started_at_ms INTEGER NOT NULL,
                last_at_ms INTEGER NOT NULL,
                ended INTEGER NOT NULL DEFAULT 0,
                project TEXT,
                active_ms INTEGER NOT NULL CHECK (active_ms >= 0),
                flow_ms INTEGER NOT NULL CHECK (flow_ms >= 0),
                keystrokes INTEGER NOT NULL CHECK (keystrokes >= 0),
                lines_added INTEGER NOT NULL CHECK (lines_added >= 0),
                lines_deleted INTEGER NOT NULL CHECK (lines_deleted >= 0),
                flow_periods INTEGER NOT NULL CHECK (flow_periods >= 0),
                interruptions INTEGER NOT NULL CHECK (interruptions >= 0),
                mean_recovery_ms INTEGER NOT NULL CHECK (mean_recovery_ms >= 0),
                focus_score REAL NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX coding_sessions_user_started ON coding_sessions(user_id, started_at_ms);
            CREATE TABLE flow_states (
                session_id TEXT NOT NULL REFERENCES coding_sessions(session_id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                start_ms INTEGER NOT NULL,
                end_ms INTEGER NOT NULL CHECK (end_ms >= start_ms),
                mean_intensity REAL NOT NULL,
                peak_intensity REAL NOT NULL,
                PRIMARY KEY (session_id, start_ms)
            ) WITHOUT ROWID;
            CREATE INDEX flow_states_user ON flow_states(user_id, start_ms);
            -- One row per (session, local day). `languages` is LanguageMapCoding text
            -- ("c=1500;swift=4500"): one row per checkpoint and day instead of one per language.
            CREATE TABLE session_days (
                session_id TEXT NOT NULL REFERENCES coding_sessions(session_id) ON DELETE CASCADE,
                day TEXT NOT NULL,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                active_ms INTEGER NOT NULL CHECK (active_ms >= 0),
                flow_ms INTEGER NOT NULL CHECK (flow_ms >= 0),
                keystrokes INTEGER NOT NULL CHECK (keystrokes >= 0),
                lines_added INTEGER NOT NULL CHECK (lines_added >= 0),
                lines_deleted INTEGER NOT NULL CHECK (lines_deleted >= 0),
                languages TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (session_id, day)
            ) WITHOUT ROWID;
            CREATE INDEX session_days_user_day ON session_days(user_id, day);
            CREATE TABLE user_baselines (
                user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                updated_at_ms INTEGER NOT NULL,
                baseline BLOB NOT NULL
            );
            """),
        // WakaTime-compatible heartbeats. Absent fields are '' so the dedupe key is a
        // plain primary key; `heartbeat_days` holds the duration rule's per-day result
        // beside `session_days` (docs/STORAGE.md "Heartbeats").
        Migration(version: 3, name: "heartbeats", sql: """
            CREATE TABLE heartbeats (
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                time_ms INTEGER NOT NULL,
                entity TEXT NOT NULL,
                type TEXT NOT NULL,
                project TEXT NOT NULL,
                branch TEXT NOT NULL,
                language TEXT NOT NULL,
                is_write INTEGER NOT NULL,
                category TEXT NOT NULL,
                editor TEXT NOT NULL,
                machine TEXT NOT NULL,
                received_at_ms INTEGER NOT NULL,
                PRIMARY KEY (user_id, time_ms, entity, type, project, branch, language, is_write)
            ) WITHOUT ROWID;
            CREATE TABLE heartbeat_days (
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                day TEXT NOT NULL,
                active_ms INTEGER NOT NULL CHECK (active_ms >= 0),
                languages TEXT NOT NULL DEFAULT '{}',
                PRIMARY KEY (user_id, day)
            ) WITHOUT ROWID;
            CREATE TABLE heartbeat_settings (
                user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                keystroke_timeout_ms INTEGER NOT NULL CHECK (keystroke_timeout_ms > 0)
            );
            """),
        // Goals (UserGoal) and the periods a goal was reached in: the `goal` push goes out
        // once per period, across restarts (the key is the day or ISO week).
        Migration(version: 4, name: "goals", sql: """
            CREATE TABLE user_goals (
                user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                period TEXT NOT NULL CHECK (period IN ('day', 'week')),
                metric TEXT NOT NULL CHECK (metric IN ('active', 'flow')),
                target_ms INTEGER NOT NULL CHECK (target_ms > 0)
            );
            CREATE TABLE goals_reached (
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                period TEXT NOT NULL,
                reached_at_ms INTEGER NOT NULL,
                PRIMARY KEY (user_id, period)
            ) WITHOUT ROWID;
            """),
        breakStateMigration,
        marksMigration,
    ]

    /// Every table that holds rows about a user, with the column naming them: purge and
    /// its test walk this list, so a new table cannot be forgotten by one and not the other.
    static let userTables: [(table: String, column: String)] = [
        ("goals_reached", "user_id"),
        ("goal_changes", "user_id"),
        ("user_goals", "user_id"),
        ("heartbeats", "user_id"),
        ("heartbeat_days", "user_id"),
        ("heartbeat_settings", "user_id"),
        ("session_days", "user_id"),
        ("session_marks", "user_id"),
        ("flow_states", "user_id"),
        ("coding_sessions", "user_id"),
        ("user_baselines", "user_id"),
        ("privacy_settings", "user_id"),
        ("team_members", "user_id"),
        ("tokens", "user_id"),
        ("users", "id"),
    ]
}
