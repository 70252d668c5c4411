/// Values returned by `Store` operations other than plain records.

/// What `Store.writeBatch` did with each checkpoint. Every checkpoint in a committed batch
/// is *durable* in the sense of the protocol: either it was stored, or a checkpoint with a
/// greater-or-equal `seq` already was (which covers it), or its user no longer exists.
public struct BatchSummary: Sendable, Hashable {
    /// Checkpoints whose totals were written (their `seq` was new).
    public var stored = 0
    /// Checkpoints ignored because the stored `seq` was already as high (replays, retries).
    public var stale = 0
    /// Checkpoints dropped because their user was purged meanwhile.
    public var orphaned = 0
    /// Baselines written (newer than the stored one).
    public var baselinesStored = 0
    /// Session ids of checkpoints NOT kept because the stored session belongs to another
    /// user. These are not durable: the writer never acknowledges them.
    public var conflicting: [String] = []

    public init(stored: Int = 0, stale: Int = 0, orphaned: Int = 0, baselinesStored: Int = 0) {
        self.stored = stored
        self.stale = stale
        self.orphaned = orphaned
        self.baselinesStored = baselinesStored
    }
}

/// The answer of `Store.claimSession`.
public enum SessionClaim: Sendable, Hashable {
    /// The id was free and is now the caller's (an empty session at seq 0).
    case claimed
    /// The id is stored already: the caller's own session (resume) or another user's.
    case existing(StoredSession)
    /// The claiming user does not exist (purged meanwhile).
    case noSuchUser
}

/// The schema versions a `migrate()` call found and applied.
public struct MigrationReport: Sendable, Hashable {
    /// Version before the call (0 for an empty database).
    public var fromVersion: Int
    /// Version after the call.
    public var toVersion: Int
    /// Versions applied by this call, in order (empty when already up to date).
    public var applied: [Int]

    public init(fromVersion: Int, toVersion: Int, applied: [Int]) {
        self.fromVersion = fromVersion
        self.toVersion = toVersion
        self.applied = applied
    }
}

/// One stored session, as read back (history, export, resume).
public struct StoredSession: Sendable, Hashable, Codable {
    /// The last checkpoint's totals and days. `completedFlowPeriods` is empty: the periods
    /// are in `flowPeriods`.
    public var checkpoint: SessionCheckpoint
    /// All flow periods of the session, by start.
    public var flowPeriods: [FlowPeriodRecord]
    /// Its interrupted and idle stretches and break reminders, by start.
    public var marks: [SessionMarkRecord]

    public init(checkpoint: SessionCheckpoint, flowPeriods: [FlowPeriodRecord], marks: [SessionMarkRecord] = []) {
        self.checkpoint = checkpoint
        self.flowPeriods = flowPeriods
        self.marks = marks
    }
}

/// Everything stored about one user (`GET /v1/privacy/export`). Token hashes are left out.
public struct UserExport: Sendable, Hashable, Codable {
    public struct TokenInfo: Sendable, Hashable, Codable {
        public var id: String
        public var scope: TokenScope
        public var createdAtMs: Int64
        public var revokedAtMs: Int64?

        public init(id: String, scope: TokenScope, createdAtMs: Int64, revokedAtMs: Int64?) {
            self.id = id
            self.scope = scope
            self.createdAtMs = createdAtMs
            self.revokedAtMs = revokedAtMs
        }
    }

    public var user: User
    public var privacy: PrivacySettings
    public var tokens: [TokenInfo]
    public var teams: [TeamMembership]
    public var sessions: [StoredSession]
    public var daily: [UserDayTotals]
    public var baseline: BaselineRecord?

    public init(
        user: User, privacy: PrivacySettings, tokens: [TokenInfo], teams: [TeamMembership],
        sessions: [StoredSession], daily: [UserDayTotals], baseline: BaselineRecord?
    ) {
        self.user = user
        self.privacy = privacy
        self.tokens = tokens
        self.teams = teams
        self.sessions = sessions
        self.daily = daily
        self.baseline = baseline
    }
}

/// Rows removed by `Store.purgeUser`, per table.
public struct PurgeSummary: Sendable, Hashable {
    /// Table name → rows deleted.
    public var rowsDeleted: [String: Int]

    public init(rowsDeleted: [String: Int] = [:]) { self.rowsDeleted = rowsDeleted }

    public var total: Int { rowsDeleted.values.reduce(0, +) }
}
