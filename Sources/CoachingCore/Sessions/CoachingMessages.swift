import WSProtocol

/// A user whose token checked out, with what their home loop needs to coach them.
public struct AuthenticatedUser: Sendable {
    public var user: User
    public var scope: TokenScope
    public var tokenId: String
    public var profile: UserProfile

    public init(user: User, scope: TokenScope, tokenId: String, profile: UserProfile) {
        self.user = user
        self.scope = scope
        self.tokenId = tokenId
        self.profile = profile
    }
}

/// Stored state loaded once when a user's live state is created on their home loop.
public struct UserProfile: Sendable {
    public var privacy: PrivacySettings
    public var memberships: [TeamMembership]
    public var baseline: BaselineRecord?
    /// Stored per-day totals from the start of the current week (the base of `stats:me`).
    public var recentDays: [UserDayTotals]
    /// Consecutive days meeting the daily goal, from the store, ending the day before
    /// `goalStreak.throughDay` (the user's local day when the profile was read): the
    /// streak survives restarts and counts days other processes saw.
    public var goalStreak: StoredStreak
    /// The user's own goal, nil when they set none.
    public var goal: UserGoal?
    /// The current day's and week's keys in which the goal was already recorded as reached
    /// (the `goal` push is not repeated after a restart).
    public var goalsReached: Set<String>

    public init(
        privacy: PrivacySettings, memberships: [TeamMembership], baseline: BaselineRecord?, recentDays: [UserDayTotals],
        goalStreak: StoredStreak = StoredStreak(days: 0, beforeDay: 0), goal: UserGoal? = nil, goalsReached: Set<String> = []
    ) {
        self.goal = goal
        self.goalsReached = goalsReached
        self.privacy = privacy
        self.memberships = memberships
        self.baseline = baseline
        self.recentDays = recentDays
        self.goalStreak = goalStreak
    }
}

/// A goal streak read from the store: `days` consecutive days meeting the daily goal,
/// ending the day before local day number `beforeDay`.
public struct StoredStreak: Sendable, Hashable {
    public var days: Int
    public var beforeDay: Int64
    /// Complete weeks before the week of `beforeDay` that met the user's weekly goal
    /// (`Store.weekStreak`); 0 without a weekly goal.
    public var weeks: Int

    public init(days: Int, beforeDay: Int64, weeks: Int = 0) {
        self.days = days
        self.beforeDay = beforeDay
        self.weeks = weeks
    }
}

/// The reader's answer to a token check.
public enum AuthOutcome: Sendable {
    case valid(AuthenticatedUser)
    /// Malformed, unknown or revoked: HTTP 401 / `unauthorized` + 1008.
    case refused(reason: String)
    /// The store could not answer (retry later): HTTP 503 / `internal`.
    case unavailable
}

/// A `session.start` waiting for the store (the session is not live on this server).
public struct SessionStartRequest: Sendable {
    public var session: SessionID
    public var project: String?
    public var language: String?
    public var atMs: Int64
    public var ref: RequestID?

    public init(session: SessionID, project: String?, language: String?, atMs: Int64, ref: RequestID?) {
        self.session = session
        self.project = project
        self.language = language
        self.atMs = atMs
        self.ref = ref
    }
}

/// The reader's answer to a stored-session look-up.
public enum SessionLookupOutcome: Sendable {
    case found(StoredSession)
    case notFound
    case unavailable
}
