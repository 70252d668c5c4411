/// A channel as a client names it in `subscribe` / `unsubscribe` (PROTOCOL.md "Channels").
///
/// ```
/// stats:me
/// leaderboard:<day|week|month>:<coding_time|flow_time>
/// leaderboard:<period>:<metric>:lang:<language>
/// team:<team_id>
/// ```
///
/// A name says *what* a client asked for; ``ChannelKey`` says *which* stream it gets
/// (`stats:me` is a different stream for every user). Parsing is strict and allocation-light:
/// the name is split once on `:` and every segment is checked against a closed set.
public enum ChannelName: Hashable, Sendable, CustomStringConvertible {
    /// `stats:me`: the subscriber's own live stats.
    case statsMe
    /// `leaderboard:…`, global or for one language.
    case leaderboard(LeaderboardChannel)
    /// `team:<team_id>`: live stats of a team the subscriber belongs to.
    case team(id: String)

    /// Longest channel name accepted, in bytes.
    public static let maxBytes = 128
    /// Longest team id accepted, in bytes (ids are lowercase UUIDs, 36 bytes).
    public static let maxTeamIdBytes = 64

    /// Parses a channel name exactly as it came from the client.
    public init(parsing text: String) throws(ChannelNameError) {
        let utf8 = text.utf8
        guard !utf8.isEmpty else { throw .empty }
        guard utf8.count <= Self.maxBytes else { throw .tooLong(limit: Self.maxBytes) }
        let segments = utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        switch segments[0] {
        case "stats":
            guard segments.count == 2, segments[1] == "me" else { throw .unknownChannel(text) }
            self = .statsMe
        case "leaderboard":
            self = .leaderboard(try Self.parseLeaderboard(segments, text: text))
        case "team":
            guard segments.count == 2 else { throw .malformed(text) }
            guard Self.isValidTeamId(segments[1]) else { throw .invalidTeamId(segments[1]) }
            self = .team(id: segments[1])
        default:
            throw .unknownChannel(text)
        }
    }

    /// The wire name; `ChannelName(parsing: name.description) == name` for every value
    /// built by the parser.
    public var description: String {
        switch self {
        case .statsMe: "stats:me"
        case .leaderboard(let board): board.description
        case .team(let id): "team:" + id
        }
    }

    /// The stream this name denotes for `userId` (only `stats:me` depends on the user).
    public func key(forUser userId: String) -> ChannelKey {
        switch self {
        case .statsMe: .userStats(userId: userId)
        case .leaderboard(let board): .leaderboard(board)
        case .team(let id): .team(id: id)
        }
    }

    /// `leaderboard` `:` period `:` metric [ `:lang:` language ].
    private static func parseLeaderboard(_ segments: [String], text: String) throws(ChannelNameError) -> LeaderboardChannel {
        guard segments.count == 3 || segments.count == 5 else { throw .malformed(text) }
        guard let period = LeaderboardChannel.Period(rawValue: segments[1]) else { throw .unknownPeriod(segments[1]) }
        guard let metric = LeaderboardChannel.Metric(rawValue: segments[2]) else { throw .unknownMetric(segments[2]) }
        guard segments.count == 5 else { return LeaderboardChannel(period: period, metric: metric) }
        guard segments[3] == "lang" else { throw .malformed(text) }
        guard let language = LeaderboardChannel.canonicalLanguage(segments[4]) else {
            throw .invalidLanguage(segments[4])
        }
        return LeaderboardChannel(period: period, metric: metric, language: language)
    }

    /// Team ids: 1…64 bytes of ASCII letters, digits, `-` and `_`.
    private static func isValidTeamId(_ id: String) -> Bool {
        let utf8 = id.utf8
        guard !utf8.isEmpty, utf8.count <= maxTeamIdBytes else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                true
            default:
                false
            }
        }
    }
}
