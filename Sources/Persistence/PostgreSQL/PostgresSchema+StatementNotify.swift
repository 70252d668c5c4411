/// `session_days` announces changed scores once per statement instead of once per row. A
/// batch rewrites one day row per checkpoint, so the row trigger ran PL/pgSQL and
/// `pg_notify` thousands of times per statement for about one notice per user; the
/// statement triggers read the changed rows from their transition table and notify each
/// user once. Same payloads (`s:<user id>`), still delivered only when the transaction
/// commits. A transition table belongs to one event, hence three triggers.
///
/// A self-contained migration: renumber it freely if another lands first.
extension PostgresSchema {
    static let statementNotifyMigration = Migration(version: 8, name: "session_days_statement_notify", sql: """
        DROP TRIGGER session_days_notify ON session_days;
        CREATE FUNCTION flowcoach_notify_changed_users() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('flowcoach', 's:' || c.user_id::text) FROM (SELECT DISTINCT user_id FROM changed_rows) AS c;
            RETURN NULL;
        END $$;
        CREATE TRIGGER session_days_inserted_notify AFTER INSERT ON session_days
            REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION flowcoach_notify_changed_users();
        CREATE TRIGGER session_days_updated_notify AFTER UPDATE ON session_days
            REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION flowcoach_notify_changed_users();
        CREATE TRIGGER session_days_deleted_notify AFTER DELETE ON session_days
            REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION flowcoach_notify_changed_users();
        """)
}
