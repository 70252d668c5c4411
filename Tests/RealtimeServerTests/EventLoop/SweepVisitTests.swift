import CoachingCore
import Glibc
import LoopKit
import Synchronization
import Testing
import WSProtocol
@testable import RealtimeServer

/// The loop's timeout sweep visits only the connections with something due (a heap of check
/// times), and every timeout still fires at the first sweep at or after its time. The test
/// plays the loop's thread and its clock: it sets `nowMs` and runs the sweeps itself.
struct SweepVisitTests {
    /// One sweep at `ms`, as the loop runs it.
    static func sweep(_ loop: EventLoop, at ms: Int64) {
        loop.nowMs = ms
        loop.sweepTimeouts()
        loop.reportClosedDuringShardCall()
    }

    @Test("the heap pings and closes exactly as visiting every connection on every sweep did, over 150 s of pongs, silences and a close")
    func sameAsVisitingEveryConnection() throws {
        let heap = try LoopOnTestThread()
        let reference = try LoopOnTestThread()
        reference.loop.sweepsEveryConnection = true
        let harnesses = [heap, reference]
        let count = 8
        let clients = try harnesses.map { harness in
            try (0..<count).map { try harness.connect(as: LoopOnTestThread.user("u\($0)")) }
        }
        // Both start from the same moment of their own clock.
        let bases = harnesses.map { $0.loop.nowMs }
        for (base, list) in zip(bases, clients) { for client in list { client.connection.lastReceivedMs = base } }
        let sweepMs = EventLoop.sweepIntervalMs
        for step in 0..<600 {  // 150 s of 250-ms sweeps
            var outcomes: [[String]] = []
            for (index, harness) in harnesses.enumerated() {
                let loop = harness.loop
                loop.nowMs = bases[index] + Int64(step) * sweepMs + 100
                for (number, client) in clients[index].enumerated() where loop.owns(client.connection) {
                    // Connection n sends a pong every 7·n s (0: never); 5 stops after 40 s. Pings
                    // at 30 s of silence, closes at 90 s: 0 at 90 s, 5 at 125 s.
                    let everyMs = Int64(number) * 7_000
                    let atMs = Int64(step) * sweepMs
                    guard everyMs > 0, atMs % everyMs == 0, atMs > 0, number != 5 || atMs < 40_000 else { continue }
                    client.peer.sendPong()
                    var poller = pollfd(fd: client.connection.fd, events: Int16(POLLIN), revents: 0)
                    _ = poll(&poller, 1, 5_000)
                    loop.readAvailable(client.connection)
                }
                if step == 240, loop.owns(clients[index][3].connection) {
                    loop.startClosingHandshake(clients[index][3].connection, code: .goingAway, reason: "test")
                }
                Self.sweep(loop, at: bases[index] + Int64(step) * sweepMs + 200)
                outcomes.append(clients[index].map { client in
                    "\(loop.owns(client.connection)) \(client.connection.unansweredPings) \(client.connection.lastReceivedMs - bases[index])"
                })
            }
            #expect(outcomes[0] == outcomes[1], "step \(step)")
            if outcomes[0] != outcomes[1] { return }
        }
        for harness in harnesses {
            #expect(harness.loop.stats.pingTimeouts.load(ordering: .relaxed) == 2)  // connections 0 and 5
        }
        print("sweep visits over 150 s, 8 connections: heap \(heap.loop.sweepVisits), walk \(reference.loop.sweepVisits)")
        #expect(heap.loop.sweepVisits < reference.loop.sweepVisits / 10)
    }

    @Test("idle authenticated connections with nothing due are not visited by the sweeps between their pings")
    func idleConnectionsAreNotVisited() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        var clients: [(peer: TestWebSocketPeer, connection: ClientConnection)] = []
        for index in 0..<40 { clients.append(try harness.connect(as: LoopOnTestThread.user("u\(index)"))) }
        let start = loop.nowMs
        // The first sweep after the hand-over looks at each once and finds its ping 30 s away.
        Self.sweep(loop, at: start)
        #expect(loop.sweepVisits <= clients.count)
        let visitsBefore = loop.sweepVisits
        // 100 sweeps, 25 s: no ping is due (the interval is 30 s), nothing is visited. The
        // walk over the table visited all 40 on each: 4,000.
        for tick in 1...100 { Self.sweep(loop, at: start + Int64(tick) * EventLoop.sweepIntervalMs) }
        #expect(loop.sweepVisits - visitsBefore == 0)
        for client in clients { #expect(loop.connection(for: client.connection.token) != nil) }
    }

    @Test("a silent peer is pinged at the ping interval and closed at the first sweep after the missed pongs, not before")
    func pingsAndCloseOnTime() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        let (peer, connection) = try harness.connect(as: LoopOnTestThread.user("ada"))
        _ = peer
        let interval = loop.configuration.pingIntervalMs
        let last = connection.lastReceivedMs
        Self.sweep(loop, at: loop.nowMs)
        Self.sweep(loop, at: last + interval - 1)
        #expect(connection.unansweredPings == 0)
        Self.sweep(loop, at: last + interval)
        #expect(connection.unansweredPings == 1)
        let visits = loop.sweepVisits
        Self.sweep(loop, at: last + interval + EventLoop.sweepIntervalMs)
        Self.sweep(loop, at: last + 2 * interval - 1)
        #expect(loop.sweepVisits == visits, "nothing due between the pings")
        #expect(connection.unansweredPings == 1)
        Self.sweep(loop, at: last + 2 * interval)
        #expect(connection.unansweredPings == 2)
        let missed = loop.configuration.missedPongsBeforeClose
        #expect(missed == 2)
        Self.sweep(loop, at: last + 3 * interval - 1)
        #expect(loop.connection(for: connection.token) != nil)
        #expect(loop.stats.pingTimeouts.load(ordering: .relaxed) == 0)
        Self.sweep(loop, at: last + 3 * interval)
        #expect(loop.connection(for: connection.token) == nil)
        #expect(loop.stats.pingTimeouts.load(ordering: .relaxed) == 1)
    }

    @Test("input moves the next ping later without touching the heap; the early check only reschedules it")
    func inputMovesThePingLater() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        let (peer, connection) = try harness.connect(as: LoopOnTestThread.user("ada"))
        let interval = loop.configuration.pingIntervalMs
        Self.sweep(loop, at: loop.nowMs)
        let entries = loop.connectionChecks.count
        usleep(2_000)  // so that the message comes a later millisecond than the hand-over
        harness.send(#"{"type":"ping_me_not","id":"x"}"#, from: peer, on: connection)
        _ = peer.nextText()  // the error answer
        #expect(loop.connectionChecks.count == entries, "a message adds no check")
        let last = connection.lastReceivedMs
        // The check queued before the message pops at the old time, finds nothing due and
        // moves to the new one.
        Self.sweep(loop, at: last + interval - 1)
        #expect(connection.unansweredPings == 0)
        Self.sweep(loop, at: last + interval)
        #expect(connection.unansweredPings == 1)
    }

    @Test("a connection that never finishes its handshake is closed at the first sweep at its deadline")
    func handshakeTimeoutOnTime() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        let client = try RawClient(port: loop.port)
        _ = client
        var accepted: ClientConnection?
        for _ in 0..<100 where accepted == nil {
            loop.handle(token: EventLoop.listenerToken, events: .read)
            accepted = loop.connections.lazy.compactMap { $0 }.first
            if accepted == nil { usleep(10_000) }
        }
        let connection = try #require(accepted)
        #expect(connection.phase == .readingRequest)
        Self.sweep(loop, at: connection.deadlineMs - 1)
        #expect(loop.connection(for: connection.token) != nil)
        Self.sweep(loop, at: connection.deadlineMs)
        #expect(loop.connection(for: connection.token) == nil)
        #expect(loop.stats.handshakeTimeouts.load(ordering: .relaxed) == 1)
    }

    @Test("a closing handshake the peer never answers ends at the close timeout")
    func closeTimeoutOnTime() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        let (peer, connection) = try harness.connect(as: LoopOnTestThread.user("ada"))
        _ = peer
        Self.sweep(loop, at: loop.nowMs)  // the next check is now the ping, 30 s away
        loop.startClosingHandshake(connection, code: .goingAway, reason: "test")
        #expect(connection.endpoint?.isAwaitingCloseReply == true)
        let deadline = connection.deadlineMs
        #expect(deadline < connection.lastReceivedMs + loop.configuration.pingIntervalMs)
        Self.sweep(loop, at: deadline - 1)
        #expect(loop.connection(for: connection.token) != nil)
        Self.sweep(loop, at: deadline)
        #expect(loop.connection(for: connection.token) == nil)
    }

    @Test("a half-closed connection lingers until its deadline, then closes")
    func lingerOnTime() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        let (peer, connection) = try harness.connect(as: LoopOnTestThread.user("ada"))
        _ = peer
        Self.sweep(loop, at: loop.nowMs)
        loop.closeAfterFlush(connection)
        loop.flush(connection)
        #expect(connection.phase == .lingering)
        Self.sweep(loop, at: connection.deadlineMs - 1)
        #expect(loop.connection(for: connection.token) != nil)
        Self.sweep(loop, at: connection.deadlineMs)
        #expect(loop.connection(for: connection.token) == nil)
    }

    @Test("a reader that stopped reading is closed at the first sweep after websocket.max_stall_ms without progress")
    func stuckReaderOnTime() throws {
        let harness = try LoopOnTestThread { $0.maxOutboundBytes = 64 << 10 }
        let loop = harness.loop
        let (peer, connection) = try harness.connect(as: LoopOnTestThread.user("ada"))
        _ = peer
        Self.sweep(loop, at: loop.nowMs)  // the next check is now the ping, 30 s away
        let chunk = [UInt8](repeating: 0x2a, count: 8 << 10)
        // The peer reads nothing: the kernel's buffers fill, then the loop's queue passes the limit.
        while connection.pendingOutput.readableCount <= 64 << 10 {
            loop.writeOutput(to: connection) { output in chunk.withUnsafeBytes { output.append($0) } }
            loop.flush(connection)
            try #require(loop.owns(connection))
        }
        #expect(connection.wantsWritable)
        let stalledSince = connection.lastOutputProgressMs
        let maxStall = loop.configuration.maxStallMs
        var now = loop.nowMs
        while now + EventLoop.sweepIntervalMs < stalledSince + maxStall {
            now += EventLoop.sweepIntervalMs
            Self.sweep(loop, at: now)
        }
        #expect(loop.owns(connection))
        #expect(loop.stats.slowReadersClosed.load(ordering: .relaxed) == 0)
        Self.sweep(loop, at: stalledSince + maxStall)
        #expect(!loop.owns(connection))
        #expect(loop.stats.slowReadersClosed.load(ordering: .relaxed) == 1)
    }

    @Test("one check per connection: earlier checks move it, a close removes it")
    func oneCheckPerConnection() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        var clients: [(peer: TestWebSocketPeer, connection: ClientConnection)] = []
        for index in 0..<10 { clients.append(try harness.connect(as: LoopOnTestThread.user("u\(index)"))) }
        // Each upgrade asked for a check earlier than its handshake deadline: still one each.
        #expect(loop.connectionChecks.count == clients.count)
        var now = loop.nowMs
        for _ in 0..<50 {
            Self.sweep(loop, at: now)
            // Each asks for an earlier check than the one queued at its ping time.
            for client in clients { loop.checkAtNextSweep(client.connection) }
            #expect(loop.connectionChecks.count == clients.count)
            now += EventLoop.sweepIntervalMs
        }
        for client in clients.prefix(4) { loop.closeConnection(client.connection) }
        #expect(loop.connectionChecks.count == clients.count - 4, "a closed connection's check goes with it")
        Self.sweep(loop, at: now)
        #expect(loop.connectionChecks.count == clients.count - 4)
    }
}

/// A TCP client that connects and sends nothing.
private final class RawClient {
    let fd: Int32

    init(port: UInt16) throws(SocketError) {
        fd = try LoopbackSocket.connect(port: port)
    }

    deinit { close(fd) }
}
