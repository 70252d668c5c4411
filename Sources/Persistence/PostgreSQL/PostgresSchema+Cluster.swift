/// Several nodes on one database (docs/ARCHITECTURE.md, "Several nodes"): the node
/// registry, and triggers that tell every node what changed as `ClusterNotice` payloads on
/// the `flowcoach` channel. Triggers rather than notices sent by the server: the admin CLI
/// and every node's HTTP API write too, and a trigger's notice is delivered only if its
/// transaction commits. PostgreSQL folds identical payloads of one transaction into one,
/// so a batch that checkpoints several sessions of a user sends one `s:` notice.
///
/// A self-contained migration: renumber it freely if another lands first.
extension PostgresSchema {
    static let clusterMigration = Migration(version: 5, name: "cluster", sql: """
        CREATE TABLE cluster_nodes (
            id text PRIMARY KEY,
            address text NOT NULL,
            started_at timestamptz NOT NULL,
            heartbeat_at timestamptz NOT NULL
        );
        CREATE FUNCTION flowcoach_notify_user_days() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                PERFORM pg_notify('flowcoach', 's:' || OLD.user_id::text);
            ELSE
                PERFORM pg_notify('flowcoach', 's:' || NEW.user_id::text);
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER session_days_notify AFTER INSERT OR UPDATE OR DELETE ON session_days
            FOR EACH ROW EXECUTE FUNCTION flowcoach_notify_user_days();
        CREATE TRIGGER heartbeat_days_notify AFTER INSERT OR UPDATE OR DELETE ON heartbeat_days
            FOR EACH ROW EXECUTE FUNCTION flowcoach_notify_user_days();
        CREATE FUNCTION flowcoach_notify_privacy() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('flowcoach', 'p:' || NEW.user_id::text);
            RETURN NULL;
        END $$;
        CREATE TRIGGER privacy_settings_notify AFTER INSERT OR UPDATE ON privacy_settings
            FOR EACH ROW EXECUTE FUNCTION flowcoach_notify_privacy();
        CREATE FUNCTION flowcoach_notify_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('flowcoach', 'r:' || NEW.id);
            RETURN NULL;
        END $$;
        CREATE TRIGGER tokens_revoked_notify AFTER UPDATE OF revoked_at ON tokens
            FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
            EXECUTE FUNCTION flowcoach_notify_revoked();
        """)

    /// Sent by `purgeUser` when it deleted anything (a purge that found nothing stays
    /// quiet, so the shard's second purge behind late checkpoints does not echo forever).
    static let purgeNoticeSQL = "SELECT pg_notify('flowcoach', 'x:' || $1)"
}
