/// Who is asking to subscribe, as far as channel authorization needs to know: the
/// authenticated user and the teams they belong to (from the account store, refreshed when
/// memberships change).
///
/// ```swift
/// let subscriber = ChannelSubscriber(userId: user.id, teamIds: memberships)
/// switch subscriber.access(to: try ChannelName(parsing: field)) {
/// case .allowed(let key): registry.subscribe(token, to: key, …)
/// case .forbidden(let denial): reply(error: "forbidden", message: denial.message)
/// }
/// ```
public struct ChannelSubscriber: Hashable, Sendable {
    /// The outcome of an authorization check.
    public enum Access: Hashable, Sendable {
        /// Subscribe to this key.
        case allowed(ChannelKey)
        /// Refuse with the application error `forbidden`.
        case forbidden(Denial)
    }

    /// Why a subscription was refused; ``message`` is the `error` message text.
    public enum Denial: Hashable, Sendable {
        /// `team:<id>` for a team the user is not a member of.
        case notTeamMember(teamId: String)

        /// The application error code (always `forbidden`).
        public var code: String { "forbidden" }

        /// Human-readable text that says what is wrong.
        public var message: String {
            switch self {
            case .notTeamMember(let teamId):
                "channel: you are not a member of team \(teamId)"
            }
        }
    }

    /// The authenticated user's id.
    public var userId: String
    /// Ids of every team the user is a member of (consent or not: consent governs whether
    /// the user's data *appears* on team channels, not whether they may watch them).
    public var teamIds: Set<String>

    public init(userId: String, teamIds: Set<String> = []) {
        self.userId = userId
        self.teamIds = teamIds
    }

    /// Decides whether this subscriber may receive `channel` and, if so, which stream.
    ///
    /// - `stats:me`: always, and the key is this user's own stream, so nobody can reach
    ///   another user's stats by name.
    /// - leaderboards: any authenticated user (either token scope).
    /// - `team:<id>`: members of that team only.
    public func access(to channel: ChannelName) -> Access {
        switch channel {
        case .statsMe, .leaderboard:
            return .allowed(channel.key(forUser: userId))
        case .team(let id):
            guard teamIds.contains(id) else { return .forbidden(.notTeamMember(teamId: id)) }
            return .allowed(channel.key(forUser: userId))
        }
    }
}
