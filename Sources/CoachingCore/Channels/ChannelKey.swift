/// The identity of one stream of channel events, as the registries and the publishers see
/// it (a ``ChannelName`` resolved for a subscriber).
///
/// `stats:me` is per user, so its key carries the user id: two users subscribed to
/// `stats:me` are on two different keys and never see each other's events. Leaderboard and
/// team keys are shared by every subscriber of the same name.
public enum ChannelKey: Hashable, Sendable, CustomStringConvertible {
    /// `stats:me` of one user.
    case userStats(userId: String)
    /// One leaderboard (period × metric, optionally one language).
    case leaderboard(LeaderboardChannel)
    /// One team's live stats.
    case team(id: String)

    /// The channel name as it appears in `event` messages sent to a subscriber of this key
    /// (`stats:me` for the per-user stream).
    public var wireName: String {
        switch self {
        case .userStats: "stats:me"
        case .leaderboard(let board): board.description
        case .team(let id): "team:" + id
        }
    }

    /// Diagnostics (logs, test failures): includes the user of a `stats:me` stream.
    public var description: String {
        switch self {
        case .userStats(let userId): "stats:me(" + userId + ")"
        case .leaderboard, .team: wireName
        }
    }
}
