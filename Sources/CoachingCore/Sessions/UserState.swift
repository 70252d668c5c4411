public import FlowEngine

/// Everything the server keeps for one user with live connections or sessions, on the
/// user's home loop: the FlowEngine coach (baseline, breaks, daily ledger) shared by all
/// the user's sessions, the sessions, the user's sockets on this loop and what `stats:me`
/// shows. Owned by the home loop's thread; no locks.
public final class UserState {
    // Exclusivity: the fields the `activity` path touches are `@exclusivity(unchecked)`.
    // Only the shard's loop thread reaches them, and none is held across a call that could
    // reach them again (`coach` is lent to `UserCoach.ingest`, which calls nothing back), so the
    // run-time checks (about 76 instructions each, ~17 per activity) guard nothing here
    // (docs/BENCHMARKS.md "Instructions per coaching round trip").
    // Field order: what every `activity` reads or sets comes first, in the object's first
    // cache line beside its reference count (which the activity path's retain writes
    // anyway), so that a user whose state has gone cold costs one line fewer; Swift lays a
    // class out in declaration order.
    /// The user's UTC offset, refreshed from their time zone now and then (not per message).
    @exclusivity(unchecked) public var utcOffsetMs: Int64
    /// The user's own goal (`goal.set`), nil without one.
    @exclusivity(unchecked) public var goal: UserGoal?
    /// Baseline changed since it was last handed to the writer. Set through
    /// ``CoachingShard``'s `baselineChanged(_:)`, which also queues the user's visit.
    @exclusivity(unchecked) public private(set) var baselineDirty = false
    /// `stats:me` changed since it was last published. Set through ``CoachingShard``'s
    /// `statsChanged(_:)`, which also queues the user's visit.
    @exclusivity(unchecked) public private(set) var statsDirty = true
    /// When the shard's tick next visits this user (``Int64/max``: no visit queued); beside
    /// the flags, so that the `activity` path's "is a visit queued early enough?" costs no
    /// other line.
    @exclusivity(unchecked) var wakeMs: Int64 = .max
    /// When `stats:me` was last published, and the baseline last handed to the writer: the
    /// `activity` path computes the visit's time from them.
    @exclusivity(unchecked) public private(set) var lastStatsPublishMono: Int64 = -1_000_000_000  // "long ago" without overflow
    @exclusivity(unchecked) public private(set) var lastBaselineSaveMono: Int64
    public let userId: String
    public var user: User
    @exclusivity(unchecked) public var coach: UserCoach
    public var privacy: PrivacySettings
    public var teamIds: Set<String>
    @exclusivity(unchecked) public var sessions = UserSessions()
    /// The user's authenticated connections on this loop.
    @exclusivity(unchecked) public var connections: [CoachingConnection] = []
    public var offsetRefreshDueMono: Int64
    /// Stored per-day totals loaded when this state was created (base of `stats:me`).
    public var storedDays: [UserDayTotals]
    /// The goal streak from the store when this state was created (see ``streakDays(today:)``).
    public var storedStreak: StoredStreak
    /// Day and week keys whose `goal` push went out (or was recorded by an earlier process).
    public var goalsAnnounced: Set<String>
    /// `goal.set`s handed to the writer and not yet answered: until they are stored, the
    /// store poll may still report the goal they replace, which must not undo them.
    public var goalWritesInFlight = 0
    /// The goal's window for the last local day asked about, so the activity path computes
    /// the day texts once a day, not per message.
    @exclusivity(unchecked) public var goalWindow: GoalWindow?
    /// `updatedAtMs` of the coach state last handed to the writer (or loaded): the next one
    /// is later still, so the store's "newest wins" keeps it even when two saves fall in
    /// one millisecond or this node's clock is behind the previous owner's.
    public var lastCoachSavedAtMs: Int64
    /// Hash of the last `stats:me` payload sent (events only when it changed).
    public var lastStatsDigest = 0
    /// Sessions of this user ended so far (the last one's `LiveSession.endOrder`).
    public var sessionsEnded: UInt64 = 0

    public init(
        authenticated: AuthenticatedUser, configuration: FlowEngineConfiguration, nowMono: Int64, utcOffsetMs: Int64,
        offsetRefreshDueMono: Int64
    ) {
        userId = authenticated.user.id
        user = authenticated.user
        var baseline = UserBaseline()
        if let stored = authenticated.profile.baseline, let decoded = UserBaseline(bytes: stored.bytes) {
            baseline = decoded
        }
        coach = UserCoach(configuration: configuration, baseline: baseline)
        if let breaks = authenticated.profile.baseline?.breaks, !breaks.isEmpty {
            coach.restoreBreaks(from: breaks)
        }
        privacy = authenticated.profile.privacy
        teamIds = Set(authenticated.profile.memberships.map(\.teamId))
        storedDays = authenticated.profile.recentDays
        storedStreak = authenticated.profile.goalStreak
        goal = authenticated.profile.goal
        goalsAnnounced = authenticated.profile.goalsReached
        self.utcOffsetMs = utcOffsetMs
        self.offsetRefreshDueMono = offsetRefreshDueMono
        lastBaselineSaveMono = nowMono
        lastCoachSavedAtMs = authenticated.profile.baseline?.updatedAtMs ?? .min
    }

    /// Live sessions that have not ended (the per-user limit counts these).
    public var openSessionCount: Int { sessions.reduce(0) { $0 + ($1.ended ? 0 : 1) } }

    /// Nothing left to keep: no connection and no session.
    public var isIdle: Bool { connections.isEmpty && sessions.isEmpty }

    /// Dropped from its shard (a queued visit of it is stale; a later connection of the
    /// same user makes a new state).
    var dropped = false
    /// The shard's number for the user on the leaderboard owner's side and the display
    /// name it was identified with (``CoachingShard/scoreSubject(of:)``); `nil` until the
    /// user's first flushed score.
    var scoreNumber: UInt32?
    var scoreName = ""

    // The flags change only here, so that every change goes through the shard's
    // `statsChanged(_:)` / `baselineChanged(_:)` (which queue the visit that acts on it).

    func markStatsDirty() { statsDirty = true }
    func markBaselineDirty() { baselineDirty = true }

    /// `stats:me` went out (or had no one to go to) at `monotonicMs`.
    func statsPublished(atMono monotonicMs: Int64) {
        statsDirty = false
        lastStatsPublishMono = monotonicMs
    }

    /// The baseline was handed to the writer at `monotonicMs`.
    func baselineSaved(atMono monotonicMs: Int64) {
        baselineDirty = false
        lastBaselineSaveMono = monotonicMs
    }
}
