/// The break scheduler's state beside the baseline (`BaselineRecord.breaks`): the next
/// process, or another node, goes on with the user's breaks where this one stopped, so a
/// reminder already sent is not sent again and a snooze still holds. Empty for rows of
/// earlier builds (nothing to restore).
///
/// A self-contained migration: renumber it freely if another lands first.
extension SQLiteSchema {
    static let breakStateMigration = Migration(version: 5, name: "break_state", sql: """
        ALTER TABLE user_baselines ADD COLUMN break_state BLOB NOT NULL DEFAULT x'';
        """)
}
