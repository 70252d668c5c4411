/// The break scheduler's state beside the baseline (see `SQLiteSchema.breakStateMigration`).
///
/// A self-contained migration: renumber it freely if another lands first.
extension PostgresSchema {
    static let breakStateMigration = Migration(version: 6, name: "break_state", sql: """
        ALTER TABLE user_baselines ADD COLUMN break_state bytea NOT NULL DEFAULT '';
        """)
}
