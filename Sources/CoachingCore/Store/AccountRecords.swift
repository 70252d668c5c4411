/// Account records as the store keeps them: plain values, independent of the FlowEngine.
///
/// Identifiers are lowercase UUID strings (users, teams) or the 8-character public id of a
/// token. Times are integer milliseconds since the Unix epoch (`…AtMs`), supplied by the
/// caller: the store never reads a clock.

/// A person who codes. `name` is unique (the login-like handle shown on leaderboards).
public struct User: Sendable, Hashable, Codable {
    /// Lowercase UUID string.
    public var id: String
    /// Unique handle, e.g. `ada`.
    public var name: String
    /// Name shown to others; defaults to `name`.
    public var displayName: String
    /// IANA time zone name (`Europe/Berlin`) that defines the user's local day.
    public var timeZone: String
    public var createdAtMs: Int64

    public init(id: String, name: String, displayName: String, timeZone: String, createdAtMs: Int64) {
        self.id = id
        self.name = name
        self.displayName = displayName
        self.timeZone = timeZone
        self.createdAtMs = createdAtMs
    }
}

/// What a token may do (PROTOCOL.md "Connecting").
public enum TokenScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// Editor extensions: may send activity.
    case ingest
    /// Dashboards: may only subscribe and query.
    case read

    /// The letter carried in the token text (`fc_i_…`, `fc_r_…`).
    public var letter: Character {
        switch self {
        case .ingest: "i"
        case .read: "r"
        }
    }
}

/// A stored token: never the secret, only the SHA-256 of the full token text.
public struct TokenRecord: Sendable, Hashable, Codable {
    /// The 8-character public id, also visible inside the token text.
    public var id: String
    public var userId: String
    public var scope: TokenScope
    /// SHA-256 of the complete token string (32 bytes).
    public var secretHash: [UInt8]
    public var createdAtMs: Int64
    /// When it was revoked; `nil` while valid.
    public var revokedAtMs: Int64?

    public init(
        id: String, userId: String, scope: TokenScope, secretHash: [UInt8], createdAtMs: Int64,
        revokedAtMs: Int64? = nil
    ) {
        self.id = id
        self.userId = userId
        self.scope = scope
        self.secretHash = secretHash
        self.createdAtMs = createdAtMs
        self.revokedAtMs = revokedAtMs
    }

    public var isRevoked: Bool { revokedAtMs != nil }
}

/// A team; members share live stats only with their consent.
public struct Team: Sendable, Hashable, Codable {
    /// Lowercase UUID string.
    public var id: String
    /// Unique team name.
    public var name: String
    public var createdAtMs: Int64

    public init(id: String, name: String, createdAtMs: Int64) {
        self.id = id
        self.name = name
        self.createdAtMs = createdAtMs
    }
}

/// One user's membership of one team.
public struct TeamMembership: Sendable, Hashable, Codable {
    public var teamId: String
    public var userId: String
    /// The member agreed that team channels and analytics may include their data.
    public var dataSharingConsent: Bool
    public var joinedAtMs: Int64

    public init(teamId: String, userId: String, dataSharingConsent: Bool, joinedAtMs: Int64) {
        self.teamId = teamId
        self.userId = userId
        self.dataSharingConsent = dataSharingConsent
        self.joinedAtMs = joinedAtMs
    }
}

/// A user's privacy choices (`privacy.set`). A user without a stored row has the defaults.
public struct PrivacySettings: Sendable, Hashable, Codable {
    /// Others see the user on leaderboards (the user always sees their own rank).
    public var leaderboardVisible: Bool
    /// Project names may appear in shared views (team channels, exports to others).
    public var shareProjectNames: Bool

    public init(leaderboardVisible: Bool = true, shareProjectNames: Bool = false) {
        self.leaderboardVisible = leaderboardVisible
        self.shareProjectNames = shareProjectNames
    }

    /// Visible on leaderboards, project names private.
    public static let defaults = PrivacySettings()
}
