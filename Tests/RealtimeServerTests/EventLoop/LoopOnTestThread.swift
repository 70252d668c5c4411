import CoachingCore
import Glibc
import Logging
import LoopKit
import WSProtocol
@testable import RealtimeServer

/// An event loop whose thread is the test's: `run()` never starts, and the test hands the
/// loop the events epoll would report (``EventLoop/handle(token:events:)``) in the order it
/// chooses, so that a race between a peer's reset and the loop's next write replays
/// exactly. No store (`services` nil): connections arrive authenticated, the way a
/// connection reaches its user's home loop (`LoopMessage.adopt`).
final class LoopOnTestThread {
    let loop: EventLoop
    /// Where the test's peers connect; the loop adopts the accepted sockets.
    private let listener: Listener

    /// `configure` changes the defaults (a longer ping interval, say).
    init(configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        // As the server does at start: a write to a peer that is gone fails, it does not
        // kill the process.
        signal(SIGPIPE, SIG_IGN)
        var configuration = ServerConfiguration()
        configuration.port = 0
        configure(&configuration)
        loop = try EventLoop(
            index: 0, configuration: configuration, port: 0, tlsPort: 0, tlsContexts: nil, stats: LoopStats(),
            allStats: [], mailbox: try LoopMailbox(), services: nil, logger: Logger(label: "loop-on-test-thread"))
        listener = try Listener(host: "127.0.0.1", port: 0)
    }

    /// A `/v1/ws` connection of `user`, handed to the loop as another loop hands over an
    /// authenticated connection. Returns the peer, its `welcome` already read, and the
    /// server's side.
    func connect(as user: AuthenticatedUser) throws -> (peer: TestWebSocketPeer, connection: ClientConnection) {
        let peer = try TestWebSocketPeer(port: listener.port)
        var poller = pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 5_000) == 1, let (fd, address) = SystemCall.accept(listener.fd) else {
            throw SocketError(call: "accept", errno: errno)
        }
        let now = MonotonicClock.nowMs()
        let connection = ClientConnection(fd: fd, token: 0, peer: address, nowMs: now, handshakeDeadlineMs: .max)
        connection.requestParser = nil
        connection.endpoint = WebSocketEndpoint(role: .server)
        connection.phase = .webSocket
        connection.route = .coaching
        connection.coaching = CoachingConnection(id: 0, nowMs: now, burst: 100, helloDeadlineMs: .max)
        deliver(.adopt(ConnectionTransfer(connection: connection, user: user, helloRef: nil)))
        guard let welcome = peer.nextText(), welcome.contains(#""type":"welcome""#) else {
            throw SocketError(call: "welcome", errno: EPROTO)
        }
        return (peer, connection)
    }

    /// Posts `message` and handles it as the loop does when its mailbox wakes it.
    func deliver(_ message: LoopMessage) {
        loop.mailbox.post(message)
        loop.handle(token: EventLoop.mailboxToken, events: .read)
    }

    /// `peer` sends `text`, and the loop handles the input as epoll reports it.
    func send(_ text: String, from peer: TestWebSocketPeer, on connection: ClientConnection) {
        peer.send(text)
        var poller = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&poller, 1, 5_000)
        loop.handle(token: connection.token, events: .read)
    }

    /// Waits until the reset of `connection`'s peer has reached the server's socket (the
    /// kernel reports an error or hang-up on it) without the loop handling that event: the
    /// loop's next write to it fails.
    func waitForReset(of connection: ClientConnection) -> Bool {
        var poller = pollfd(fd: connection.fd, events: 0, revents: 0)
        guard poll(&poller, 1, 5_000) == 1 else { return false }
        return poller.revents & Int16(POLLERR | POLLHUP) != 0
    }

    /// A user of this test (any id; nothing is stored).
    static func user(_ name: String) -> AuthenticatedUser {
        AuthenticatedUser(
            user: User(id: "user-" + name, name: name, displayName: name, timeZone: "UTC", createdAtMs: 0),
            scope: .read, tokenId: "t-" + name,
            profile: UserProfile(privacy: .defaults, memberships: [], baseline: nil, recentDays: []))
    }
}
