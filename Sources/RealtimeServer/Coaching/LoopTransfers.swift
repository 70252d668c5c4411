import CoachingCore
import WSProtocol

/// A complete plain-HTTP answer computed off the loop (HTTP API).
struct HTTPAnswer: Sendable {
    public var status: Int
    public var reason: String
    public var contentType: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]
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
