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
        default: return nil
        }
    }
}
