/// One message on the cluster's PostgreSQL notification channel (`LISTEN flowcoach`).
///
/// Payloads are keys, never boards: a node that hears `s:<user>` reads that user's totals
/// itself, so a notice stays a few dozen bytes whatever the board size (NOTIFY's limit is
/// 8000 bytes). Database triggers send the key notices in the same transaction as the
/// change (see `PostgresSchema+Cluster.swift`), so every writer — any node, the HTTP API,
/// the admin CLI — is heard, and only once the change is committed.
public enum ClusterNotice: Hashable, Sendable {
    /// The user's stored day totals changed (a checkpoint or heartbeats were committed).
    case scoresChanged(userId: String)
    /// The user's privacy settings changed.
    case privacyChanged(userId: String)
    /// The token was revoked: close its connections on every node.
    case tokenRevoked(tokenId: String)
    /// The user's data was purged: every node forgets their live state and board rows.
    case userPurged(userId: String)
    /// Heartbeats stored through some node's HTTP API changed the user's time on `day` by
    /// `activeMs` (per language in `languageMs`): the user's owner adds it to what
    /// `stats:me` counts. Sent by the node that stored them, not by a trigger: only it
    /// knows the change (the stored day is a sum, and the owner cannot tell which part of
    /// it it already counts).
    case heartbeatTimeAdded(userId: String, day: String, activeMs: Int64, languageMs: [String: Int64])
    /// A node was asked for a user whose ownership lock another node holds: the holder
    /// closes the user's connections (1012), flushes their checkpoints and unlocks.
    case releaseRequested(userId: String, byNode: String)

    /// The channel every node listens on.
    public static let channel = "flowcoach"

    /// The payload text (`kind:key`; the release notice adds `:node`).
    public var payload: String {
        switch self {
        case .scoresChanged(let userId): "s:\(userId)"
        case .privacyChanged(let userId): "p:\(userId)"
        case .tokenRevoked(let tokenId): "r:\(tokenId)"
        case .userPurged(let userId): "x:\(userId)"
        case .releaseRequested(let userId, let node): "h:\(userId):\(node)"
        case .heartbeatTimeAdded(let userId, let day, let activeMs, let languageMs):
            "w:\(userId):\(day):\(activeMs):\(Self.languages(languageMs))"
        }
    }

    /// Parses a payload; nil for anything this version does not know (a newer node's
    /// notice is ignored, not fatal).
    public init?(payload: String) {
        let parts = payload.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, !parts[1].isEmpty else { return nil }
        let key = String(parts[1])
        switch parts[0] {
        case "s": self = .scoresChanged(userId: key)
        case "p": self = .privacyChanged(userId: key)
        case "r": self = .tokenRevoked(tokenId: key)
        case "x": self = .userPurged(userId: key)
        case "h":
            guard parts.count == 3 else { return nil }
            self = .releaseRequested(userId: key, byNode: String(parts[2]))
        case "w":
            guard parts.count == 3 else { return nil }
            let fields = parts[2].split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, !fields[0].isEmpty, let activeMs = Int64(fields[1]),
                let languages = LanguageMapJSON.decode(String(fields[2]))
            else { return nil }
            self = .heartbeatTimeAdded(userId: key, day: String(fields[0]), activeMs: activeMs, languageMs: languages)
        default: return nil
        }
    }

    /// Longest language map sent (NOTIFY's payload limit is 8000 bytes); a longer one goes
    /// as `{}`: the owner then counts the time without its languages.
    static let maximumLanguagesLength = 7_000

    private static func languages(_ map: [String: Int64]) -> String {
        let text = LanguageMapJSON.encode(map)
        return text.utf8.count <= maximumLanguagesLength ? text : "{}"
    }
}
