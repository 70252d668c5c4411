/// Why a `channel` field of `subscribe` / `unsubscribe` was refused.
///
/// Every case maps to the application error `invalid_field` (PROTOCOL.md "Error codes"),
/// with a ``message`` that names the field and says what to fix.
public enum ChannelNameError: Error, Hashable, Sendable {
    /// The field was empty.
    case empty
    /// The name is longer than ``ChannelName/maxBytes``.
    case tooLong(limit: Int)
    /// The first segment names no channel (`foo:bar`), or `stats:` is followed by something
    /// other than `me`.
    case unknownChannel(String)
    /// `leaderboard:<period>` with a period other than day, week or month.
    case unknownPeriod(String)
    /// `leaderboard:<period>:<metric>` with a metric other than coding_time or flow_time.
    case unknownMetric(String)
    /// `…:lang:<language>` with an empty, too long or ill-formed language.
    case invalidLanguage(String)
    /// `team:<team_id>` with an empty, too long or ill-formed id.
    case invalidTeamId(String)
    /// Segments missing or left over (`leaderboard:day`, `leaderboard:day:flow_time:x`).
    case malformed(String)

    /// The stable application error code for every case.
    public var code: String { "invalid_field" }

    /// Human-readable text for the `error` message.
    public var message: String {
        switch self {
        case .empty:
            "channel: must not be empty"
        case .tooLong(let limit):
            "channel: longer than \(limit) bytes"
        case .unknownChannel(let name):
            "channel: unknown channel '\(Self.clip(name))' (expected stats:me, leaderboard:<period>:<metric>[:lang:<language>] or team:<team_id>)"
        case .unknownPeriod(let period):
            "channel: unknown leaderboard period '\(Self.clip(period))' (expected day, week or month)"
        case .unknownMetric(let metric):
            "channel: unknown leaderboard metric '\(Self.clip(metric))' (expected coding_time or flow_time)"
        case .invalidLanguage(let language):
            "channel: invalid language '\(Self.clip(language))' (1-\(LeaderboardChannel.maxLanguageBytes) bytes of letters, digits and + # . _ -)"
        case .invalidTeamId(let id):
            "channel: invalid team id '\(Self.clip(id))' (1-\(ChannelName.maxTeamIdBytes) bytes of letters, digits, - and _)"
        case .malformed(let name):
            "channel: malformed channel '\(Self.clip(name))'"
        }
    }

    /// Echoes at most 40 bytes of client input (the name is already length-limited).
    private static func clip(_ text: String) -> String {
        text.utf8.count <= 40 ? text : String(decoding: text.utf8.prefix(40), as: UTF8.self) + "…"
    }
}
