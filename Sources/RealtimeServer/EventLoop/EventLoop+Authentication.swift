import CoachingCore
import Foundation
import Glibc
import Logging
import LoopKit
import Persistence
import WSProtocol

/// `/v1/ws` in the shell: the upgrade, pausing input while another thread answers, and the
/// one-time hand-over of an authenticated connection to its user's home loop. What a token
/// or a message means is the coaching shard's business.
extension EventLoop {
    static let coachingSubprotocol = "flowcoach.v1"

    /// The upgrade request of `/v1/ws`. With a Bearer header the 101 waits for the token
    /// check (a bad token gets HTTP 401); without one the client has `auth.hello_timeout_ms`
    /// to send `hello`.
    func upgradeCoaching(
        _ connection: ClientConnection, _ head: HTTPRequestHead, trailing: UnsafeMutableRawBufferPointer, from offset: Int
    ) {
        guard services != nil else {
            respond(connection, status: 503, reason: "Service Unavailable", contentType: "text/plain",
                    body: Array("the coaching service is not running on this server\n".utf8))
            return
        }
        let response: HandshakeResponse
        switch Handshake.accept(head, policy: coachingPolicy) {
        case .reject(let rejection):
            refuseUpgrade(connection, rejection)
            return
        case .accept(let accepted):
            // The subprotocol names the protocol version; a client that does not offer it
            // is refused like one offering only others (so a future v2 can coexist).
            guard accepted.subprotocol == Self.coachingSubprotocol else {
                refuseUpgrade(connection, HTTPRejection(
                    status: 400, body: "Sec-WebSocket-Protocol: offer \(Self.coachingSubprotocol) to use /v1/ws\n"))
                return
            }
            response = accepted
        }
        var bearer: String?
        if let authorization = head.firstValue(forName: "Authorization") {
            guard let token = Self.bearerToken(authorization) else {
                refuseUnauthorized(connection, reason: "Authorization: expected 'Bearer <token>'")
                return
            }
            bearer = token
            connection.pendingHandshake = response
            if offset < trailing.count { connection.stashedInput = Array(trailing[offset...]) }
        } else {
            openWebSocket(connection, response, route: .coaching)
        }
        connection.coaching = shard.opened(id: connection.token, bearerToken: bearer, at: coachingTime)
        if bearer == nil && offset < trailing.count { receivedFrameBytes(connection, trailing, from: offset) }
    }

    /// The token of an `Authorization: Bearer <token>` value (scheme case-insensitive).
    static func bearerToken(_ value: String) -> String? {
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// HTTP 401 on the upgrade.
    func refuseUnauthorized(_ connection: ClientConnection, reason: String) {
        stats.add(.handshakesRejected)
        respond(connection, status: 401, reason: "Unauthorized", contentType: "text/plain; charset=utf-8",
                body: Array(("unauthorized: " + reason + "\n").utf8),
                headers: [HTTPHeader(name: "WWW-Authenticate", value: "Bearer realm=\"flowcoach\"")])
    }

    /// Moves an authenticated connection to its user's home loop (once; before any
    /// session state exists). What is still unwritten travels with it.
    func handOver(_ connection: ClientConnection, to home: Int, user: AuthenticatedUser, helloRef: RequestID?) {
        guard let services else { return }
        flush(connection)
        guard owns(connection) else { return }  // the write failed: closed
        epoll.deregister(connection.fd)
        removeFromTable(connection)
        services.mailboxes[home].post(.adopt(ConnectionTransfer(connection: connection, user: user, helloRef: helloRef)))
    }

    /// A connection handed over by another loop: register it here and let it in.
    func adopt(_ transfer: ConnectionTransfer) {
        let connection = transfer.connection
        guard shutdownDeadlineMs == nil else {
            close(connection.fd)
            if connection.countedPerIP { services?.perIP.release(connection.peer.host) }
            return
        }
        let (slot, token) = allocateSlot()
        connection.token = token
        do {
            try epoll.register(connection.fd, token: token, interest: connection.wantsWritable ? [.read, .write] : .read)
        } catch {
            logger.error("epoll register failed on hand-over", metadata: ["error": "\(error)"])
            close(connection.fd)
            if connection.countedPerIP { services?.perIP.release(connection.peer.host) }
            freeSlots.append(slot)
            return
        }
        connections[slot] = connection
        checkAtNextSweep(connection)
        openCount += 1
        stats.add(.connectionsOpen)
        stats.add(.webSocketsOpen)
        connection.isInputPaused = true  // resumeInput re-arms reading after the stash
        if let coaching = connection.coaching {
            coaching.id = token
            shard.adopted(coaching, user: transfer.user, helloRef: transfer.helloRef, at: coachingTime)
            if let cluster = services?.cluster, !cluster.owns(transfer.user.user.id) {
                // Handed to another node while this connection was on its way here.
                shard.relinquish(userId: transfer.user.user.id, code: .tryAgainLater, at: coachingTime)
            }
        }
        resumeInput(connection)
    }

    // MARK: Pausing input while another thread answers

    /// Stops reading from `connection`; unprocessed bytes wait in its stash.
    func pauseInput(_ connection: ClientConnection) {
        guard !connection.isInputPaused else { return }
        connection.isInputPaused = true
        try? epoll.modify(connection.fd, token: connection.token, interest: connection.wantsWritable ? .write : [])
    }

    /// Processes the stash, then reads from the socket again.
    func resumeInput(_ connection: ClientConnection) {
        guard connection.isInputPaused, owns(connection) else { return }
        connection.isInputPaused = false
        try? epoll.modify(connection.fd, token: connection.token, interest: connection.wantsWritable ? [.read, .write] : .read)
        if !connection.stashedInput.isEmpty {
            let stash = connection.stashedInput
            connection.stashedInput = []
            stash.withUnsafeBytes { raw in
                let target = UnsafeMutableRawBufferPointer(rebasing: readBuffer[0..<raw.count])
                target.copyMemory(from: raw)
                received(connection, target)
            }
        }
        if connection.tls != nil && !connection.isInputPaused && owns(connection) {
            readBufferedPlaintext(connection)  // records already decrypted into the session
        }
        flush(connection)
    }
}
