import FlowEngine
import WSProtocol

/// Connecting to `/v1/ws` (PROTOCOL.md "Connecting"): a token from the upgrade header or a
/// first `hello`, checked by the shell's store reader; then the one-time hand-over to the
/// user's home loop, where the connection is attached to the user's state.
extension CoachingShard {
    /// A `/v1/ws` connection opened. With `bearerToken` (the upgrade's `Authorization`
    /// header) the token is checked before the upgrade is answered; without one the client
    /// has `auth.hello_timeout_ms` to send `hello`.
    public func opened(id: ConnectionID, bearerToken: String?, at time: CoachingTime) -> CoachingConnection {
        now = time
        let connection = CoachingConnection(
            id: id, nowMs: time.monotonicMs, burst: settings.messageBurst,
            helloDeadlineMs: time.monotonicMs + settings.helloTimeoutMs)
        if let bearerToken {
            connection.authenticatesByHeader = true
            checkToken(bearerToken, for: connection)
        }
        return connection
    }

    /// `hello` on a connection without a token yet.
    public func receivedHello(_ connection: CoachingConnection, token: String?, ref: RequestID?) {
        guard let token else {
            refuseHello(connection, AppError(.unauthorized, "hello: 'token' is required on a connection without an Authorization header", ref: ref))
            return
        }
        connection.helloRef = ref
        checkToken(token, for: connection)
    }

    private func checkToken(_ token: String, for connection: CoachingConnection) {
        connection.authenticating = true
        shell.perform(.checkToken(connection.id, token: token, fromDay: Self.profileFromDay(wallMs: now.wallMs)))
    }

    /// The store reader's answer to a token check.
    public func tokenChecked(_ connection: CoachingConnection, outcome: AuthOutcome, at time: CoachingTime) {
        now = time
        guard connection.authenticating else { return }
        connection.authenticating = false
        let ref = connection.helloRef
        connection.helloRef = nil  // answered below (or handed over with the connection)
        if connection.isAuthenticated {
            recheckedToken(connection, outcome: outcome, ref: ref)
            return
        }
        switch outcome {
        case .refused(let reason):
            stats.add(.authFailures)
            if connection.authenticatesByHeader {
                shell.perform(.refuseUpgrade(connection.id, status: 401, reason: reason))
            } else {
                refuseHello(connection, AppError(.unauthorized, "token: " + reason, ref: ref))
                shell.perform(.resumeInput(connection.id))  // read the peer's close reply
            }
        case .unavailable:
            if connection.authenticatesByHeader {
                shell.perform(.refuseUpgrade(connection.id, status: 503, reason: "the account store is unavailable; retry shortly"))
            } else {
                sendError(connection, AppError(.internal, "the account store is unavailable; reconnect shortly", ref: ref))
                close(connection, .tryAgainLater, reason: "store unavailable")
                shell.perform(.resumeInput(connection.id))
            }
        case .valid(let user):
            let home = Self.homeLoop(of: user.user.id, loops: configuration.loopCount)
            if home == configuration.loopIndex {
                attach(connection, user, helloRef: ref)
                shell.perform(.resumeInput(connection.id))
            } else {
                connection.authenticating = true  // until the home loop adopts it
                stats.add(.handOvers)
                shell.perform(.handOver(connection.id, homeLoop: home, user, helloRef: ref))
            }
        }
    }

    /// `hello` with a token on a connection that is authenticated already: the token is
    /// checked again (it may have been revoked since), never just answered.
    public func receivedRepeatedHello(_ connection: CoachingConnection, token: String, ref: RequestID?) {
        connection.helloRef = ref
        checkToken(token, for: connection)
    }

    /// The answer to a repeated `hello`'s token check. The connection stays with its user:
    /// another user's token is `forbidden`, a refused one closes it like a first `hello`.
    private func recheckedToken(_ connection: CoachingConnection, outcome: AuthOutcome, ref: RequestID?) {
        defer { shell.perform(.resumeInput(connection.id)) }
        guard !connection.closing, let user = connection.user else { return }
        switch outcome {
        case .refused(let reason):
            refuseHello(connection, AppError(.unauthorized, "token: " + reason, ref: ref))
        case .unavailable:
            reject(connection, AppError(.internal, "hello: the account store is unavailable; retry shortly", ref: ref))
        case .valid(let authenticated) where authenticated.user.id == user.userId:
            connection.scope = authenticated.scope
            connection.tokenId = authenticated.tokenId
            accepted(connection)
            encoder.welcome(
                userID: user.userId, userName: user.user.displayName, serverTimeMs: now.wallMs,
                heartbeatSeconds: configuration.heartbeatSeconds, ref: ref)
            sendEncoded(connection)
        case .valid:
            sendError(connection, AppError(.forbidden, "hello: the token is another user's; open a new connection for it", ref: ref))
            close(connection, .policyViolation, reason: "token of another user")
        }
    }

    /// Tokens revoked in the store (the shell polls it every `auth.revocation_check_ms`):
    /// every open connection authenticated with one of them gets `unauthorized` and is
    /// closed with 1008. Its sessions stay resumable with a valid token. Idempotent.
    public func tokensRevoked(_ tokenIds: Set<String>, at time: CoachingTime) {
        now = time
        for user in users.values {
            for connection in user.connections where !connection.closing {
                guard let tokenId = connection.tokenId, tokenIds.contains(tokenId) else { continue }
                stats.add(.authFailures)
                sendError(connection, AppError(.unauthorized, "token: revoked; this connection is closed"))
                close(connection, .policyViolation, reason: "token revoked")
            }
        }
    }

    /// A connection handed over by another loop, now registered here under `connection.id`.
    public func adopted(_ connection: CoachingConnection, user: AuthenticatedUser, helloRef: RequestID?, at time: CoachingTime) {
        now = time
        connection.authenticating = false
        attach(connection, user, helloRef: helloRef)
    }

    /// The connection belongs to `authenticated` on this (home) loop from now on.
    private func attach(_ connection: CoachingConnection, _ authenticated: AuthenticatedUser, helloRef: RequestID?) {
        let userId = authenticated.user.id
        let user: UserState
        if let existing = users[userId] {
            user = existing
            user.user = authenticated.user
            user.privacy = authenticated.profile.privacy
            user.teamIds = Set(authenticated.profile.memberships.map(\.teamId))
            refreshGoal(of: user, from: authenticated.profile)
        } else {
            user = UserState(
                authenticated: authenticated, configuration: configuration.flow, nowMono: now.monotonicMs,
                utcOffsetMs: configuration.utcOffsetMs(authenticated.user.timeZone, now.wallMs),
                offsetRefreshDueMono: now.monotonicMs + Self.offsetRefreshIntervalMs)
            users[userId] = user
            stats.add(.usersLive)
        }
        guard user.connections.count < settings.maxConnectionsPerUser else {
            sendError(connection, AppError(.forbidden,
                "connection: at most \(settings.maxConnectionsPerUser) connections per user (limits.connections_per_user)", ref: helloRef))
            close(connection, .policyViolation, reason: "too many connections")
            if user.isIdle { dropUser(userId) }
            return
        }
        connection.user = user
        connection.scope = authenticated.scope
        connection.tokenId = authenticated.tokenId
        user.connections.append(connection)
        wakeUser(user)
        encoder.welcome(
            userID: userId, userName: authenticated.user.displayName, serverTimeMs: now.wallMs,
            heartbeatSeconds: configuration.heartbeatSeconds, ref: helloRef)
        sendEncoded(connection)
    }

    /// `error` `unauthorized`, then close 1008 (PROTOCOL.md "Connecting").
    public func refuseHello(_ connection: CoachingConnection, _ error: AppError) {
        stats.add(.authFailures)
        sendError(connection, error)
        close(connection, .policyViolation, reason: "unauthorized")
    }

    /// The shell's sweep: an unauthenticated connection whose `hello` did not come in time
    /// is refused.
    public func checkHelloDeadline(_ connection: CoachingConnection, at time: CoachingTime) {
        guard !connection.isAuthenticated, !connection.authenticating, !connection.closing,
            time.monotonicMs >= connection.helloDeadlineMs
        else { return }
        now = time
        refuseHello(connection, AppError(.unauthorized, "hello: not received in time (auth.hello_timeout_ms)"))
    }

    /// The connection is gone: its sessions stay resumable, its subscriptions end.
    public func closed(_ connection: CoachingConnection, at time: CoachingTime) {
        now = time
        connection.closing = true
        registry.disconnect(connection.id)
        guard let user = connection.user else { return }
        connection.user = nil
        user.connections.removeAll { $0 === connection }
        if user.isIdle { wakeUser(user) }  // dropped at the next tick
        for session in connection.sessions {
            guard user.sessions[session.id] === session, session.carrier === connection else { continue }
            session.carrier = nil
            session.detachedAtMono = now.monotonicMs
            wake(session)
        }
        connection.sessions = []
    }

    /// Forgets a user's state on this loop.
    public func dropUser(_ userId: String) {
        guard let user = users.removeValue(forKey: userId) else { return }
        user.dropped = true
        stats.add(.usersLive, -1)
        // Its number stays with it until the next flush has sent its parked time.
        if let previous = leavingUsers.updateValue(user, forKey: userId), let number = previous.scoreNumber {
            scoreNumbers.give(number)  // dropped twice between flushes: the newer state sends
        }
    }
}
