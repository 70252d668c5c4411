/// The persistence port: what the coaching core needs from a database. SQLite
/// (`SQLiteStore`) is the embedded default and PostgreSQL (`PostgresStore`) the production
/// store; both live in the Persistence module and pass the same contract tests.
///
/// ## Threading
///
/// Every method is synchronous and blocking, so the event loops never call a store. A store
/// instance is used by **one thread at a time**: the `PersistenceWriter`'s thread (batched
/// writes through `enqueue(_:)`, other calls through `submit(_:)`), a `StoreReader`'s thread
/// (token checks, profiles, history: it opens its own instance), or the admin CLI's main
/// thread. `Sendable` only allows handing an instance to the thread that will own it.
///
/// ## Contract shared by every implementation
///
/// - `migrate()` is versioned, idempotent, and run before anything else.
/// - `writeBatch` is one transaction: all of it is stored, or nothing is. Checkpoints are
///   upserts keyed by session id and guarded by the seq rule of
///   `SessionCheckpoint.supersedes(_:)` (a higher `seq`, or the same `seq` saying more);
///   flow periods are inserted idempotently keyed by (session, start); baselines keep the
///   newest `updatedAtMs`. A replayed batch therefore changes nothing.
/// - After `writeBatch` returns, the data survives a kill -9 of the process (and, with the
///   default synchronous mode, a power loss): see docs/STORAGE.md.
/// - Errors are `StoreError`; `isTransient` tells the writer whether to retry.
public protocol Store: AnyObject, Sendable {
    // MARK: Schema

    /// Applies every migration newer than the database's version, each in its own
    /// transaction. Running it again is a no-op.
    @discardableResult
    func migrate() throws(StoreError) -> MigrationReport

    /// Runs `body`, whose calls only read, as one read transaction where that is cheaper
    /// than a transaction per statement (SQLite: one snapshot, one lock and one check of the
    /// page cache against the writer's commits instead of one per query). The default runs
    /// `body` as it is.
    func reading<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T

    // MARK: Users

    /// Inserts a user; `.duplicate` when the id or name is taken.
    func createUser(_ user: User) throws(StoreError)
    func user(id: String) throws(StoreError) -> User?
    func user(named name: String) throws(StoreError) -> User?
    /// All users by name.
    func users() throws(StoreError) -> [User]

    // MARK: Tokens

    /// Inserts a token (hash only); `.notFound` when the user does not exist.
    func createToken(_ token: TokenRecord) throws(StoreError)
    /// The token with this public id, revoked or not.
    func token(id: String) throws(StoreError) -> TokenRecord?
    /// The token whose SHA-256 is `secretHash`, revoked or not.
    func token(secretHash: [UInt8]) throws(StoreError) -> TokenRecord?
    /// Tokens of one user, or of everybody when `userId` is nil, by creation time.
    func tokens(userId: String?) throws(StoreError) -> [TokenRecord]
    /// Marks the token revoked; `false` when there is no such token or it already was.
    func revokeToken(id: String, atMs: Int64) throws(StoreError) -> Bool
    /// Ids of tokens revoked at or after `sinceMs` (the server polls this to close the
    /// connections still open with them).
    func revokedTokenIds(sinceMs: Int64) throws(StoreError) -> [String]

    // MARK: Teams

    /// Inserts a team; `.duplicate` when the name is taken.
    func createTeam(_ team: Team) throws(StoreError)
    func team(id: String) throws(StoreError) -> Team?
    func team(named name: String) throws(StoreError) -> Team?
    func teams() throws(StoreError) -> [Team]
    /// Adds a member or updates their consent (keeps the original join time).
    func setMembership(_ membership: TeamMembership) throws(StoreError)
    /// Removes a member; `false` when they were not one.
    func removeMembership(teamId: String, userId: String) throws(StoreError) -> Bool
    func memberships(teamId: String) throws(StoreError) -> [TeamMembership]
    func memberships(userId: String) throws(StoreError) -> [TeamMembership]

    // MARK: Privacy

    /// The user's settings, or `PrivacySettings.defaults` when none are stored.
    func privacySettings(userId: String) throws(StoreError) -> PrivacySettings
    /// Every stored (non-default) setting, by user id: for rebuilding leaderboards.
    func allPrivacySettings() throws(StoreError) -> [String: PrivacySettings]
    func setPrivacySettings(_ settings: PrivacySettings, userId: String, atMs: Int64) throws(StoreError)

    // MARK: Sessions

    /// Stores checkpoints and baselines in ONE transaction (see the contract above).
    /// Checkpoints of users that no longer exist are skipped and counted as orphaned.
    @discardableResult
    func writeBatch(_ checkpoints: [SessionCheckpoint], baselines: [BaselineRecord]) throws(StoreError) -> BatchSummary
    /// Records `id` as `userId`'s session (an empty checkpoint at seq 0 starting at
    /// `startedAtMs`) unless it is stored already, atomically: of two users claiming one id
    /// at once, on any loop or node, exactly one gets `.claimed`. Called at `session.start`
    /// for a session not live here, so a session's owner is fixed before any `durable`.
    func claimSession(id: String, userId: String, startedAtMs: Int64, project: String?) throws(StoreError) -> SessionClaim
    /// The last stored checkpoint of a session (for resume after a restart), with all of
    /// its flow periods.
    func session(id: String) throws(StoreError) -> StoredSession?
    /// A user's sessions that started in `[fromMs, toMs)`, newest first, at most `limit`.
    func sessions(userId: String, fromMs: Int64, toMs: Int64, limit: Int) throws(StoreError) -> [StoredSession]
    func baseline(userId: String) throws(StoreError) -> BaselineRecord?
    /// Per (user, day) sums for days ≥ `fromDay` (`YYYY-MM-DD`), for one user or all users:
    /// the leaderboard inputs (coding = active ms, flow ms, per language) rebuilt at start-up.
    /// Heartbeat time (`heartbeat_days`) is added beside the sessions' (no flow time; it
    /// does not count as a session).
    func dailyAggregates(fromDay: String, userId: String?) throws(StoreError) -> [UserDayTotals]
    /// The user's local days (`YYYY-MM-DD`) up to and including `throughDay` whose stored
    /// active time, summed over the user's sessions, is at least `minimumActiveMs`; newest
    /// first, at most `limit`. `.invalidValue` when `throughDay` is not a date in that form.
    /// The streak (`goalStreak(userId:endingAt:minimumActiveMs:)`) is computed from these.
    func activeDays(userId: String, throughDay: String, minimumActiveMs: Int64, limit: Int) throws(StoreError) -> [String]

    // MARK: Heartbeats (WakaTime-compatible API)

    /// Stores heartbeats (skipping duplicates) and replaces the per-day heartbeat totals
    /// of `ingest.days` with `ingest.recompute`'s, in one transaction. `.notFound` when the
    /// user does not exist.
    func ingestHeartbeats(_ ingest: HeartbeatIngest) throws(StoreError) -> HeartbeatIngestResult
    /// The user's heartbeats with `fromMs <= timeMs < toMs`, by time.
    func heartbeats(userId: String, fromMs: Int64, toMs: Int64) throws(StoreError) -> [HeartbeatRecord]
    /// The spans (start to last event) of the user's sessions that overlap `[fromMs, toMs)`:
    /// time that heartbeats must not count again.
    func sessionSpans(userId: String, fromMs: Int64, toMs: Int64) throws(StoreError) -> [TimeSpan]
    /// The user's keystroke timeout for heartbeats, or nil for the default.
    func heartbeatTimeoutMs(userId: String) throws(StoreError) -> Int64?
    func setHeartbeatTimeoutMs(_ timeoutMs: Int64?, userId: String) throws(StoreError)

    // MARK: Goals

    /// The user's goal; nil when they set none.
    func goal(userId: String) throws(StoreError) -> UserGoal?
    /// Replaces the user's goal (nil removes it). `.notFound` for an unknown user.
    func setGoal(_ goal: UserGoal?, userId: String) throws(StoreError)
    /// Records that the user reached their goal of `period` (a day `YYYY-MM-DD` or a week
    /// `YYYY-Www`): true the first time, false when it was recorded before (by this
    /// process before a restart, or another one), so the `goal` push goes out once.
    /// `goal` is the goal's `signature`: a period recorded for another goal is claimed again
    /// (a new goal is a new promise), a period recorded for this one is not.
    func claimGoalReached(userId: String, period: String, goal: String, atMs: Int64) throws(StoreError) -> Bool
    /// Which of `periods` the user's goal was already recorded as reached in.
    func goalsReached(userId: String, periods: [String]) throws(StoreError) -> Set<String>
    /// Users whose goal was set or removed at or after `sinceMs` (by the store's clock), with
    /// their goal now: the server polls this so a goal set elsewhere reaches open dashboards.
    func goalChanges(sinceMs: Int64) throws(StoreError) -> [GoalChange]
    /// Every period the user's goal was recorded as reached in, oldest first (the export).
    func reachedGoalPeriods(userId: String) throws(StoreError) -> [GoalReachedRecord]

    // MARK: Export and purge

    /// Everything stored about the user, or nil when there is no such user.
    func exportUser(id: String) throws(StoreError) -> UserExport?
    /// Deletes every row about the user in every table, in one transaction. With
    /// `deleteAccount` false the user row and tokens stay (the account survives, its data
    /// does not).
    @discardableResult
    func purgeUser(id: String, deleteAccount: Bool) throws(StoreError) -> PurgeSummary
}

extension Store {
    /// Stores checkpoints only.
    @discardableResult
    public func writeBatch(_ checkpoints: [SessionCheckpoint]) throws(StoreError) -> BatchSummary {
        try writeBatch(checkpoints, baselines: [])
    }

    /// Claims a period for no particular goal (fixtures, imports).
    public func claimGoalReached(userId: String, period: String, atMs: Int64) throws(StoreError) -> Bool {
        try claimGoalReached(userId: userId, period: period, goal: "", atMs: atMs)
    }
}
