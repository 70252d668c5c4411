import CoachingCore
import WSProtocol

/// A user whose token checked out, with what their home loop needs to coach them.
struct AuthenticatedUser: Sendable {
    var user: User
    var scope: TokenScope
    var tokenId: String
    var profile: UserProfile
}

/// Stored state loaded once when a user's live state is created on their home loop.
struct UserProfile: Sendable {
    var privacy: PrivacySettings
    var memberships: [TeamMembership]
    var baseline: BaselineRecord?
    /// Stored per-day totals from the start of the current week (the base of `stats:me`).
    var recentDays: [UserDayTotals]
}

/// The reader's answer to a token check.
enum AuthOutcome: Sendable {
    case valid(AuthenticatedUser)
    /// Malformed, unknown or revoked: HTTP 401 / `unauthorized` + 1008.
    case refused(reason: String)
    /// The store could not answer (retry later): HTTP 503 / `internal`.
    case unavailable
}

/// A `session.start` waiting for the store (the session is not live on this server).
struct SessionStartRequest: Sendable {
    var session: SessionID
    var project: String?
    var language: String?
    var atMs: Int64
    var ref: RequestID?
}

/// The reader's answer to a stored-session look-up.
enum SessionLookupOutcome: Sendable {
    case found(StoredSession)
    case notFound
    case unavailable
}

/// A complete plain-HTTP answer computed off the loop (HTTP API).
struct HTTPAnswer: Sendable {
    var status: Int
    var reason: String
    var contentType: String
    var headers: [HTTPHeader]
    var body: [UInt8]
}

/// An authenticated connection on its way to its user's home loop.
///
/// `@unchecked Sendable`: the `ClientConnection` inside is owned by the loop that posts
/// this message until the post, and by the receiving loop from the moment it drains its
/// mailbox; nobody touches it in between (the sender has removed it from its table and
/// its epoll set before posting).
final class ConnectionTransfer: @unchecked Sendable {
    let connection: ClientConnection
    let user: AuthenticatedUser
    /// The `id` of the `hello` that authenticated it (echoed as the welcome's `ref`).
    let helloRef: RequestID?

    init(connection: ClientConnection, user: AuthenticatedUser, helloRef: RequestID?) {
        self.connection = connection
        self.user = user
        self.helloRef = helloRef
    }
}
