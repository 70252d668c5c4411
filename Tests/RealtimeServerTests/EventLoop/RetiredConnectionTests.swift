import Glibc
import LoopKit
import Testing
@testable import RealtimeServer

/// The loop handles an event with the connection unretained (an atomic pair per event
/// less): the table's reference must outlive the event even when handling it closes the
/// connection. A closed connection's reference moves to `retiredConnections` until the
/// batch of events ends; these tests see the object alive after the close and gone after
/// the batch.
struct RetiredConnectionTests {
    /// A reference that does not keep the connection alive.
    final class Tracked {
        weak var connection: ClientConnection?
    }

    /// Connects a peer, keeping no strong reference to the server's side.
    private static func connect(
        _ harness: LoopOnTestThread, as name: String
    ) throws -> (peer: TestWebSocketPeer, token: UInt64, fd: Int32, tracked: Tracked) {
        let client = try harness.connect(as: LoopOnTestThread.user(name))
        let tracked = Tracked()
        tracked.connection = client.connection
        return (client.peer, client.connection.token, client.connection.fd, tracked)
    }

    /// Waits until the peer's reset reached the server's socket.
    private static func waitForReset(fd: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: 0, revents: 0)
        guard poll(&poller, 1, 5_000) == 1 else { return false }
        return poller.revents & Int16(POLLERR | POLLHUP) != 0
    }

    @Test("a connection its own event closes lives until the batch ends, then is freed")
    func closedByItsOwnEvent() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        let client = try Self.connect(harness, as: "ada")
        #expect(client.tracked.connection != nil)

        client.peer.reset()
        #expect(Self.waitForReset(fd: client.fd))
        loop.handle(token: client.token, events: [.read, .hangup])

        #expect(loop.connection(for: client.token) == nil, "the event closed it")
        #expect(client.tracked.connection != nil, "still referenced until the batch ends")
        loop.releaseRetiredConnections()
        #expect(client.tracked.connection == nil, "freed once the batch is over")
    }

    @Test("connections closed in one batch are all kept to its end; the next batch starts with none")
    func severalInOneBatch() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        let clients = try (0..<3).map { try Self.connect(harness, as: "u\($0)") }
        let survivor = try Self.connect(harness, as: "stays")
        for client in clients {
            client.peer.reset()
            #expect(Self.waitForReset(fd: client.fd))
        }
        for client in clients { loop.handle(token: client.token, events: [.read, .hangup]) }
        #expect(clients.allSatisfy { $0.tracked.connection != nil })
        #expect(loop.retiredConnections.count == 3)

        loop.releaseRetiredConnections()
        #expect(clients.allSatisfy { $0.tracked.connection == nil })
        #expect(loop.retiredConnections.isEmpty)
        #expect(survivor.tracked.connection != nil, "a live connection is held by the table")
        #expect(loop.connection(for: survivor.token) != nil)
    }
}
