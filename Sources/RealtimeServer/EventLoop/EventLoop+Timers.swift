import CoachingCore
import Logging
import LoopKit
import WSProtocol

/// Deadlines by sweeping: every 250 ms the loop visits the connections with something due
/// (handshake, close and linger deadlines, idle pings, the slow-reader rule, the TLS buffer
/// review, the hello deadline), taken from a heap of check times (`EventLoop+Checks.swift`).
/// Walking the whole table instead cost about 330 ns per connection (a cache miss on each
/// object): 3 ms a sweep at 10,000 connections, 33 ms at 100,000, nearly all of it on
/// connections with nothing due.
extension EventLoop {
    static let sweepIntervalMs: Int64 = 250

    func sweepTimeouts() {
        if let deadline = shutdownDeadlineMs, nowMs >= deadline {
            running = false
            return
        }
        if let goingAwayByMs, nowMs >= goingAwayByMs || !shard.awaitsDurableAcks { sayGoingAway() }
        if sweepsEveryConnection {
            for case let connection? in connections { visit(connection) }
            return
        }
        isSweeping = true
        defer { isSweeping = false }
        connectionChecks.rebaseIfNeeded(nowMs: nowMs, in: self)
        while let slot = connectionChecks.popDue(atMs: nowMs, in: self) {
            // A closed connection's check left the queue with it; this is only a guard.
            guard slot < connections.count, let connection = connections[slot] else { continue }
            visit(connection)
            if owns(connection) { scheduleCheck(connection, atMs: nextCheckMs(of: connection)) }
        }
    }

    /// What the sweep checks on one connection (``nextCheckMs(of:)`` says when it is next due).
    private func visit(_ connection: ClientConnection) {
        sweepVisits += 1
        switch connection.phase {
        case .readingRequest:
            if nowMs >= connection.deadlineMs {
                stats.add(.handshakeTimeouts)
                logger.debug("handshake timeout", metadata: ["peer": "\(connection.peer)"])
                closeConnection(connection)
            }
        case .webSocket:
            if !connection.pendingOutput.isEmpty && closeIfStuckReader(connection) { return }
            // Busy TLS sessions keep their record buffers until the next quiet sweep.
            connection.tls?.reviewBufferRetention()
            sweepWebSocket(connection)
        case .closingAfterFlush, .lingering:
            if nowMs >= connection.deadlineMs { closeConnection(connection) }
        }
    }

    private func sweepWebSocket(_ connection: ClientConnection) {
        if connection.endpoint?.isAwaitingCloseReply == true {
            if nowMs >= connection.deadlineMs { closeConnection(connection) }
            return
        }
        if let coaching = connection.coaching, !coaching.isAuthenticated {
            shard.checkHelloDeadline(coaching, at: coachingTime)
            flush(connection)
            return
        }
        let idleMs = nowMs - connection.lastReceivedMs
        guard idleMs >= configuration.pingIntervalMs * Int64(connection.unansweredPings + 1) else { return }
        if Int(connection.unansweredPings) >= configuration.missedPongsBeforeClose {
            stats.add(.pingTimeouts)
            logger.debug("closing after unanswered pings", metadata: ["peer": "\(connection.peer)"])
            closeConnection(connection)
            return
        }
        connection.unansweredPings += 1
        // Quiet for a ping interval: the receive storage a split frame left for reuse goes
        // back too, so that an idle endpoint holds no buffer (a busy one keeps reusing it).
        connection.endpoint?.releaseRetainedStorage()
        writeOutput(to: connection) { _ = connection.endpoint?.sendPing(UnsafeRawBufferPointer(start: nil, count: 0), into: &$0) }
        flush(connection)
    }

    /// Graceful shutdown on this loop: stop accepting and drop connections still in the
    /// HTTP phase; checkpoint every session and, once the last `durable` of each connected
    /// session went out (or a third of the grace passed), close every WebSocket with 1001
    /// ("going away", RFC 6455 §7.4.1).
    func beginShutdown(deadlineMs: Int64) {
        shutdownDeadlineMs = deadlineMs
        if let listener {
            epoll.deregister(listener.fd)
            self.listener = nil
        }
        if let tlsListener {
            epoll.deregister(tlsListener.fd)
            self.tlsListener = nil
        }
        for case let connection? in connections {
            if case .readingRequest = connection.phase { closeConnection(connection) }
        }
        if services != nil {
            shard.checkpointEverything(at: coachingTime)
            flushAll()
        }
        goingAwayByMs = nowMs + max(0, (deadlineMs - nowMs) / 3)
        if services == nil || !shard.awaitsDurableAcks { sayGoingAway() }
        if openCount == 0 { running = false }
    }

    /// The closing handshake of every WebSocket, with 1001.
    func sayGoingAway() {
        goingAwayByMs = nil
        for case let connection? in connections {
            switch connection.phase {
            case .readingRequest:
                closeConnection(connection)
            case .webSocket:
                startClosingHandshake(connection, code: .goingAway, reason: "server shutting down")
            case .closingAfterFlush, .lingering:
                break
            }
        }
    }
}
