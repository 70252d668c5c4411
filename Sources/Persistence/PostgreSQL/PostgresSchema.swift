/// The PostgreSQL schema as numbered migrations: the same tables and versions as
/// `SQLiteSchema`, in PostgreSQL's types (UUID keys, TIMESTAMPTZ instants, DATE days, JSONB
/// language maps, BYTEA hashes and baselines). A released migration is never edited; a
/// change is a new entry with the next version. docs/STORAGE.md describes both schemas.
///
/// `coding_sessions` and `session_days` are rewritten by every checkpoint but their indexed
/// columns never change: `fillfactor = 70` leaves room on each page, so those updates are
/// HOT (no new index entries), which measurably cut the server's CPU per checkpoint.
///
/// Durations stay integer milliseconds (`…_ms`). Instants are TIMESTAMPTZ (microsecond
/// resolution, so milliseconds round-trip exactly); `PostgresSQL.timestamp(_:)` and
/// `.milliseconds(_:)` convert at the statement boundary.
enum PostgresSchema {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    /// Key of the session-level advisory lock that serializes migrations of one database
    /// across nodes starting at once (`pg_advisory_lock(bigint)`): "flowcoac" in ASCII.
    static let migrationLockKey: Int64 = 0x666c_6f77_636f_6163

    static let migrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "accounts", sql: """
            CREATE TABLE users (
                id uuid PRIMARY KEY,
                name text NOT NULL UNIQUE,
                display_name text NOT NULL,
                time_zone text NOT NULL DEFAULT 'UTC',
                created_at timestamptz NOT NULL
            );
            CREATE TABLE tokens (
                id text PRIMARY KEY,
                user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                scope text NOT NULL CHECK (scope IN ('ingest', 'read')),
                secret_hash bytea NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
                created_at timestamptz NOT NULL,
                revoked_at timestamptz
            );
            CREATE INDEX tokens_user ON tokens (user_id);
            CREATE TABLE teams (
                id uuid PRIMARY KEY,
                name text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL
            );
            CREATE TABLE team_members (
                team_id uuid NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
                user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                data_sharing_consent boolean NOT NULL DEFAULT false,
                joined_at timestamptz NOT NULL,
                PRIMARY KEY (team_id, user_id)
            );
            CREATE INDEX team_members_user ON team_members (user_id);
            CREATE TABLE privacy_settings (
                user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                leaderboard_visible boolean NOT NULL,
                share_project_names boolean NOT NULL,
                updated_at timestamptz NOT NULL
            );
            """),
        Migration(version: 2, name: "sessions", sql: """
            CREATE TABLE coding_sessions (
                session_id uuid PRIMARY KEY,
                user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                seq bigint NOT NULL CHECK (seq >= 0),
                started_at timestamptz NOT NULL,
                last_at timestamptz NOT NULL,
                ended boolean NOT NULL DEFAULT false,
                project text,
                active_ms bigint NOT NULL CHECK (active_ms >= 0),
                flow_ms bigint NOT NULL CHECK (flow_ms >= 0),
                keystrokes bigint NOT NULL CHECK (keystrokes >= 0),
                lines_added bigint NOT NULL CHECK (lines_added >= 0),
                lines_deleted bigint NOT NULL CHECK (lines_deleted >= 0),
                flow_periods bigint NOT NULL CHECK (flow_periods >= 0),
                interruptions bigint NOT NULL CHECK (interruptions >= 0),
                mean_recovery_ms bigint NOT NULL CHECK (mean_recovery_ms >= 0),
                focus_score double precision NOT NULL
            ) WITH (fillfactor = 70);
            -- History by user and date range (newest first).
            CREATE INDEX coding_sessions_user_started ON coding_sessions (user_id, started_at);
            CREATE TABLE flow_states (
                session_id uuid NOT NULL REFERENCES coding_sessions(session_id) ON DELETE CASCADE,
                user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                start_at timestamptz NOT NULL,
                end_at timestamptz NOT NULL CHECK (end_at >= start_at),
                mean_intensity double precision NOT NULL,
                peak_intensity double precision NOT NULL,
                PRIMARY KEY (session_id, start_at)
            );
            -- Insights (peak hours, flow entry time) by user and time.
            CREATE INDEX flow_states_user ON flow_states (user_id, start_at);
            -- A session's cumulative share of one local day; daily aggregates are sums over it.
            CREATE TABLE session_days (
                session_id uuid NOT NULL REFERENCES coding_sessions(session_id) ON DELETE CASCADE,
                day date NOT NULL,
                user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                active_ms bigint NOT NULL CHECK (active_ms >= 0),
                flow_ms bigint NOT NULL CHECK (flow_ms >= 0),
                keystrokes bigint NOT NULL CHECK (keystrokes >= 0),
                lines_added bigint NOT NULL CHECK (lines_added >= 0),
                lines_deleted bigint NOT NULL CHECK (lines_deleted >= 0),
                languages jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(languages) = 'object'),
                PRIMARY KEY (session_id, day)
            ) WITH (fillfactor = 70);
            -- Daily aggregates of one user (history, insights, team analytics).
            CREATE INDEX session_days_user_day ON session_days (user_id, day);
            CREATE TABLE user_baselines (
                user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                updated_at timestamptz NOT NULL,
                baseline bytea NOT NULL
            );
            """),
        // WakaTime-compatible heartbeats (see SQLiteSchema version 3).
        Migration(version: 3, name: "heartbeats", sql: """
            CREATE TABLE heartbeats (
                user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                time_ms bigint NOT NULL,
                entity text NOT NULL,
                type text NOT NULL,
                project text NOT NULL,
                branch text NOT NULL,
                language text NOT NULL,
                is_write boolean NOT NULL,
                category text NOT NULL,
                editor text NOT NULL,
                machine text NOT NULL,
                received_at timestamptz NOT NULL,
                PRIMARY KEY (user_id, time_ms, entity, type, project, branch, language, is_write)
            );
            CREATE TABLE heartbeat_days (
                user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                day date NOT NULL,
                active_ms bigint NOT NULL CHECK (active_ms >= 0),
                languages jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(languages) = 'object'),
                PRIMARY KEY (user_id, day)
            );
            CREATE TABLE heartbeat_settings (
                user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                keystroke_timeout_ms bigint NOT NULL CHECK (keystroke_timeout_ms > 0)
            );
            """),
        // Goals and the periods they were reached in (see SQLiteSchema version 4).
        Migration(version: 4, name: "goals", sql: """
            CREATE TABLE user_goals (
                user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                period text NOT NULL CHECK (period IN ('day', 'week')),
                metric text NOT NULL CHECK (metric IN ('active', 'flow')),
                target_ms bigint NOT NULL CHECK (target_ms > 0)
            );
            CREATE TABLE goals_reached (
                user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                period text NOT NULL,
                reached_at timestamptz NOT NULL,
                PRIMARY KEY (user_id, period)
            );
            """),
        clusterMigration,
        breakStateMigration,
        marksMigration,
        statementNotifyMigration,
    ]

    /// Every table that holds rows about a user, with the column naming them: purge and
    /// its test walk this list (children before parents).
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

/// SQL fragments shared by the store's statements (constants, never input).
enum PostgresSQL {
    /// Milliseconds since the epoch (a bigint expression) → timestamptz, exactly.
    static func timestamp(_ milliseconds: String) -> String {
        "(timestamptz 'epoch' + (\(milliseconds)) * interval '1 millisecond')"
    }

    /// timestamptz → milliseconds since the epoch (bigint), exactly for millisecond values.
    static func milliseconds(_ column: String) -> String {
        "(extract(epoch FROM \(column)) * 1000)::bigint"
    }

    /// A date as `YYYY-MM-DD` whatever DateStyle says.
    static func dayText(_ column: String) -> String { "to_char(\(column), 'YYYY-MM-DD')" }

    /// Bounds of a query range clamped into timestamptz's range (4713 BC … 294276 AD), so
    /// `Int64.min`/`.max` mean "unbounded" instead of overflowing.
    static func clampedRangeMs(_ milliseconds: Int64) -> Int64 {
        min(max(milliseconds, -200_000_000_000_000), 9_000_000_000_000_000)
    }

    /// Whether `text` is a UUID in the textual form PostgreSQL accepts for our keys
    /// (8-4-4-4-12 hex digits). A non-UUID id cannot name a row, so lookups answer "none"
    /// without asking the server (which would reject the parameter).
    static func isUUID(_ text: String) -> Bool { PGUUIDText.parse(text) != nil }
}
