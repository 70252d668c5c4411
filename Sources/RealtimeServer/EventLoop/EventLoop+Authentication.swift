import CoachingCore
import Foundation
import Glibc
import Logging
import Persistence
import WSProtocol

/// `/v1/ws`: the upgrade, token checks on the reader thread, and the one-time hand-over of
/// an authenticated connection to its user's home loop.
extension EventLoop {
    static let coachingSubprotocol = "flowcoach.v1"

    /// The upgrade request of `/v1/ws`. With a Bearer header the 101 waits for the token
    /// check (a bad token gets HTTP 401); without one the client has `auth.hello_timeout_ms`
    /// to send `hello`.
    func upgradeCoaching(
        _ connection: ClientConnection, _ head: HTTPRequestHead, trailing: UnsafeMutableRawBufferPointer, from offset: Int
    ) {
        guard let services else {
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
        var state = CoachingConnection(nowMs: nowMs, burst: services.settings.messageBurst)
        if let authorization = head.firstValue(forName: "Authorization") {
            guard let token = Self.bearerToken(authorization) else {
                refuseUnauthorized(connection, reason: "Authorization: expected 'Bearer <token>'")
                return
            }
            state.pendingHandshake = response
            state.authenticating = true
            connection.coaching = state
            if offset < trailing.count { connection.stashedInput = Array(trailing[offset...]) }
            pauseInput(connection)
            submitTokenCheck(token, for: connection)
            return
        }
        connection.coaching = state
        openWebSocket(connection, response, route: .coaching)
        connection.deadlineMs = nowMs + services.settings.helloTimeoutMs
        if offset < trailing.count { receivedFrameBytes(connection, trailing, from: offset) }
    }

    /// The token of an `Authorization: Bearer <token>` value (scheme case-insensitive).
    static func bearerToken(_ value: String) -> String? {
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// `hello` on a connection without a Bearer header: check its token.
    func receivedHello(_ connection: ClientConnection, token: String?, ref: RequestID?) {
        guard let token else {
            refuseHello(connection, AppError(.unauthorized, "hello: 'token' is required on a connection without an Authorization header", ref: ref))
            return
        }
        connection.coaching?.authenticating = true
        connection.coaching?.helloRef = ref
        pauseInput(connection)
        submitTokenCheck(token, for: connection)
    }

    /// Asks the reader thread to check `token` and load the user's profile; the answer
    /// comes back as `.authenticated` on this loop's mailbox.
    private func submitTokenCheck(_ token: String, for connection: ClientConnection) {
        guard let services else { return }
        let mailbox = mailbox
        let connectionToken = connection.token
        let weekStart = PeriodKeys(daysSinceEpoch: Self.weekStartDay(wallMs: wallClockMs()) - 1).day
        let queued = services.reader.submit { store in
            mailbox.post(.authenticated(token: connectionToken, outcome: Self.checkToken(token, store: store, fromDay: weekStart)))
        }
        if !queued { receivedAuthentication(token: connectionToken, outcome: .unavailable) }
    }

    /// Runs on the reader thread.
    private static func checkToken(_ text: String, store: any Store, fromDay: String) -> AuthOutcome {
        do {
            switch try TokenAuthenticator.verify(text, in: store) {
            case .valid(let record, let user):
                let profile = UserProfile(
                    privacy: try store.privacySettings(userId: user.id),
                    memberships: try store.memberships(userId: user.id),
                    baseline: try store.baseline(userId: user.id),
                    recentDays: try store.dailyAggregates(fromDay: fromDay, userId: user.id))
                return .valid(AuthenticatedUser(user: user, scope: record.scope, tokenId: record.id, profile: profile))
            case .malformed:
                return .refused(reason: "the token is malformed (expected fc_<i|r>_<id>_<secret>)")
            case .unknown:
                return .refused(reason: "the token is not known")
            case .revoked:
                return .refused(reason: "the token was revoked")
            }
        } catch {
            return .unavailable
        }
    }

    /// The reader's answer for the connection `token` (which may have closed meanwhile).
    func receivedAuthentication(token: UInt64, outcome: AuthOutcome) {
        guard let connection = connection(for: token), connection.coaching?.authenticating == true else { return }
        // Answers from the mailbox path leave with an explicit flush, not with a read. A
        // connection handed over is not touched again: it belongs to its home loop now.
        connection.coaching?.authenticating = false
        let pendingHandshake = connection.coaching?.pendingHandshake
        connection.coaching?.pendingHandshake = nil
        let ref = connection.coaching?.helloRef
        switch outcome {
        case .refused(let reason):
            stats.add(.authFailures)
            if pendingHandshake != nil {
                refuseUnauthorized(connection, reason: reason)
                flush(connection)
            } else {
                refuseHello(connection, AppError(.unauthorized, "token: " + reason, ref: ref))
                resumeInput(connection)  // read the peer's close reply
            }
        case .unavailable:
            if pendingHandshake != nil {
                respond(connection, status: 503, reason: "Service Unavailable", contentType: "text/plain",
                        body: Array("the account store is unavailable; retry shortly\n".utf8),
                        headers: [HTTPHeader(name: "Retry-After", value: "1")])
                flush(connection)
            } else {
                sendError(connection, AppError(.internal, "the account store is unavailable; reconnect shortly", ref: ref))
                startClosingHandshake(connection, code: .tryAgainLater, reason: "store unavailable")
                resumeInput(connection)
            }
        case .valid(let user):
            if let pendingHandshake { openWebSocket(connection, pendingHandshake, route: .coaching) }
            guard let services else { return }
            let home = services.homeLoop(of: user.user.id)
            if home == index {
                attach(connection, user, helloRef: ref)
                resumeInput(connection)
                flush(connection)
            } else {
                handOver(connection, to: home, user: user, helloRef: ref)
            }
        }
    }

    /// HTTP 401 on the upgrade.
    private func refuseUnauthorized(_ connection: ClientConnection, reason: String) {
        stats.add(.handshakesRejected)
        respond(connection, status: 401, reason: "Unauthorized", contentType: "text/plain; charset=utf-8",
                body: Array(("unauthorized: " + reason + "\n").utf8),
                headers: [HTTPHeader(name: "WWW-Authenticate", value: "Bearer realm=\"flowcoach\"")])
    }

    /// `error` `unauthorized`, then close 1008 (PROTOCOL.md "Connecting").
    func refuseHello(_ connection: ClientConnection, _ error: AppError) {
        stats.add(.authFailures)
        sendError(connection, error)
        startClosingHandshake(connection, code: .policyViolation, reason: "unauthorized")
    }

    /// Moves an authenticated connection to its user's home loop (once; before any
    /// session state exists). What is still unwritten travels with it.
    private func handOver(_ connection: ClientConnection, to home: Int, user: AuthenticatedUser, helloRef: RequestID?) {
        guard let services else { return }
        flush(connection)
        guard owns(connection) else { return }  // the write failed: closed
        epoll.deregister(connection.fd)
        removeFromTable(connection)
        stats.add(.handOvers)
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
        openCount += 1
        stats.add(.connectionsOpen)
        stats.add(.webSocketsOpen)
        connection.isInputPaused = true  // resumeInput re-arms reading after the stash
        attach(connection, transfer.user, helloRef: transfer.helloRef)
        resumeInput(connection)
    }

    /// The connection belongs to `authenticated` on this (home) loop from now on.
    private func attach(_ connection: ClientConnection, _ authenticated: AuthenticatedUser, helloRef: RequestID?) {
        guard let services else { return }
        let userId = authenticated.user.id
        let user: UserState
        if let existing = users[userId] {
            user = existing
            user.user = authenticated.user
            user.privacy = authenticated.profile.privacy
            user.teamIds = Set(authenticated.profile.memberships.map(\.teamId))
        } else {
            user = UserState(authenticated: authenticated, configuration: flowConfiguration, nowMono: nowMs, wallMs: wallClockMs())
            users[userId] = user
        }
        guard user.connections.count < services.settings.maxConnectionsPerUser else {
            sendError(connection, AppError(.forbidden,
                "connection: at most \(services.settings.maxConnectionsPerUser) connections per user (limits.connections_per_user)", ref: helloRef))
            startClosingHandshake(connection, code: .policyViolation, reason: "too many connections")
            if user.isIdle { users[userId] = nil }
            return
        }
        connection.coaching?.userId = userId
        connection.coaching?.user = user
        connection.coaching?.scope = authenticated.scope
        connection.deadlineMs = .max
        user.connections.append(connection.token)
        encoder.welcome(
            userID: userId, userName: authenticated.user.displayName, serverTimeMs: wallClockMs(),
            heartbeatSeconds: Int(configuration.pingIntervalMs / 1_000), ref: helloRef)
        sendEncoded(connection)
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


    /// Wall-clock milliseconds since the epoch (event-time checks, `server_time`).
    func wallClockMs() -> Int64 { LeaderboardOwner.wallClockMs() }

    /// Days since the epoch of the Monday starting the current UTC ISO week.
    static func weekStartDay(wallMs: Int64) -> Int64 {
        let today = wallMs / 86_400_000
        return today - ((today % 7) + 7 + 3) % 7
    }
}
