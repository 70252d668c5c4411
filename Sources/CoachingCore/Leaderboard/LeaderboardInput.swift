/// Everything the leaderboard owner can be told. Posted from any thread with
/// ``LeaderboardOwner/post(_:)``; applied in order on the owner's thread.
public enum LeaderboardInput: Hashable, Sendable {
    /// Time accrued by a session since its previous checkpoint.
    case score(ScoreDelta)
    /// A coaching shard's number for a user, sent once before the first
    /// ``numberedScore(_:)`` that uses it (and again when the number passes to another
    /// user).
    case identify(ScoreSubject, userId: String, name: String)
    /// ``score(_:)`` from a coaching shard, its user named by the shard's number.
    case numberedScore(NumberedScoreDelta)
    /// `privacy.set`: whether others see the user on public boards (the user always sees
    /// their own rank). Team boards follow team consent instead.
    case privacy(userId: String, leaderboardVisible: Bool)
    /// The user's complete team memberships: team id → data-sharing consent. Only teams
    /// with consent show the user.
    case teams(userId: String, consentByTeam: [String: Bool])
    /// `DELETE /v1/privacy/data`: forget the user everywhere at once.
    case purge(userId: String)
    /// Start-up: stored per-day totals (apply after the `privacy` and `teams` inputs of
    /// the same users so visibility and team boards are right from the first publication).
    case stored([StoredTotals])
}
