import Persistence
import CoachingCore
import FlowEngine
import Logging
import WSProtocol

/// The coaching protocol (PROTOCOL.md) on `/v1/ws`: limits, decoding, scopes and the
/// dispatch of each client message. Everything here runs on the user's home loop (a
/// connection is handed over right after authentication), so the user's state is touched
/// without locks.
extension EventLoop {
    /// One text message of a `/v1/ws` connection.
    func receivedCoachingMessage(_ connection: ClientConnection, _ payload: UnsafeRawBufferPointer) {
        guard let services, connection.coaching != nil else { return }
        let settings = services.settings
        guard payload.count <= settings.maxMessageBytes else {
            rejectMessage(connection, AppError(.tooLarge,
                "message: \(payload.count) bytes; the limit is \(settings.maxMessageBytes) (limits.max_message_bytes)"))
            return
        }
        switch decoder.decode(payload, nowMs: wallClockMs()) {
        case .rejected(let error):
            if connection.coaching?.isAuthenticated == false {
                refuseHello(connection, AppError(.unauthorized, "send {\"type\":\"hello\",\"token\":…} first (\(error.message))", ref: error.ref))
            } else {
                rejectMessage(connection, error)
            }
        case .message(let message, let ref):
            guard let user = connection.coaching?.user else {
                if case .hello(let hello) = message {
                    receivedHello(connection, token: hello.token, ref: ref)
                } else {
                    refuseHello(connection, AppError(.unauthorized,
                        "\(message.typeName): not authenticated; send {\"type\":\"hello\",\"token\":…} first", ref: ref))
                }
                return
            }
            // Checked after decoding, so the refusal can say which request was dropped.
            guard connection.coaching?.bucket.take(nowMs: nowMs, perSecond: settings.messagesPerSecond, burst: settings.messageBurst) == true else {
                stats.add(.rateLimited)
                var dropped = "\(message.typeName)"
                if case .activity(let session) = message { dropped = "activity seq \(decoder.window.seq) of session \(session)" }
                rejectMessage(connection, AppError(.rateLimited,
                    "\(dropped) dropped: more than \(settings.messagesPerSecond) messages per second (limits.messages_per_second); slow down and resend it",
                    ref: ref))
                return
            }
            connection.coaching?.consecutiveErrors = 0
            handle(message, ref: ref, from: connection, of: user)
        }
    }

    private func handle(_ message: InboundMessage, ref: RequestID?, from connection: ClientConnection, of user: UserState) {
        switch message {
        case .hello:
            encoder.welcome(userID: user.userId, userName: user.user.displayName, serverTimeMs: wallClockMs(),
                            heartbeatSeconds: Int(configuration.pingIntervalMs / 1_000), ref: ref)
            sendEncoded(connection)
        case .activity(let session):
            guard requireIngest(connection, "activity", ref: ref) else { return }
            receivedActivity(connection, user, session: session, ref: ref)
        case .sessionStart(let start):
            guard requireIngest(connection, "session.start", ref: ref) else { return }
            receivedSessionStart(connection, user, SessionStartRequest(
                session: start.session, project: start.project, language: start.language, atMs: start.atMs, ref: ref))
        case .sessionEnd(let end):
            guard requireIngest(connection, "session.end", ref: ref) else { return }
            receivedSessionEnd(connection, user, end, ref: ref)
        case .subscribe(let channel):
            subscribe(connection, user, channel: channel, ref: ref)
        case .unsubscribe(let channel):
            unsubscribe(connection, channel: channel, ref: ref)
        case .breakAck(let ack):
            if user.coach.receivedBreakAck(reminder: ack.reminder, action: ack.action, atMs: wallClockMs()) {
                encoder.ack(ref: ref)
                sendEncoded(connection)
            } else {
                rejectMessage(connection, AppError(.invalidField, "reminder: b-\(ack.reminder) is not the outstanding break reminder", ref: ref))
            }
        case .privacySet(let change):
            receivedPrivacy(connection, user, change, ref: ref)
        case .ping:
            encoder.pong(ref: ref)
            sendEncoded(connection)
        }
    }

    /// Scope check: only `ingest` tokens send data (PROTOCOL.md "Connecting").
    private func requireIngest(_ connection: ClientConnection, _ type: String, ref: RequestID?) -> Bool {
        guard connection.coaching?.scope == .ingest else {
            rejectMessage(connection, AppError(.forbidden, "\(type): a read token may only subscribe and query; use an ingest token", ref: ref))
            return false
        }
        return true
    }

    /// `privacy.set`: applied at once (leaderboards, this loop), stored by the writer.
    private func receivedPrivacy(_ connection: ClientConnection, _ user: UserState, _ change: InboundMessage.PrivacyChange, ref: RequestID?) {
        guard let services else { return }
        var settings = user.privacy
        if let visible = change.leaderboardVisible { settings.leaderboardVisible = visible }
        if let share = change.shareProjectNames { settings.shareProjectNames = share }
        user.privacy = settings
        let stored = settings
        services.leaderboards.post(.privacy(userId: user.userId, leaderboardVisible: settings.leaderboardVisible))
        let userId = user.userId
        let atMs = wallClockMs()
        let logger = logger
        let queued = services.writer.submit { store in
            do {
                try store.setPrivacySettings(stored, userId: userId, atMs: atMs)
            } catch {
                logger.error("storing privacy settings failed", metadata: ["user": "\(userId)", "error": "\(error)"])
            }
        }
        guard queued else {
            rejectMessage(connection, AppError(.internal, "privacy.set: the store is busy; retry", ref: ref))
            return
        }
        user.statsDirty = true
        encoder.ack(ref: ref)
        sendEncoded(connection)
    }

    // MARK: Sending

    /// Sends the encoder's current message as one text frame.
    func sendEncoded(_ connection: ClientConnection) {
        encoder.withUnsafeBytes { payload in
            _ = connection.endpoint?.send(.text, payload: payload, into: &cork)
        }
        stats.add(.messagesSent)
    }

    /// Sends an `error` (the connection stays open).
    func sendError(_ connection: ClientConnection, _ error: AppError) {
        stats.add(.appErrors)
        encoder.error(error)
        sendEncoded(connection)
    }

    /// Sends an `error`; a client that keeps sending garbage is closed with 1008.
    func rejectMessage(_ connection: ClientConnection, _ error: AppError) {
        sendError(connection, error)
        guard let services else { return }
        connection.coaching?.consecutiveErrors += 1
        if (connection.coaching?.consecutiveErrors ?? 0) >= services.settings.maxConsecutiveErrors {
            startClosingHandshake(connection, code: .policyViolation, reason: "too many invalid messages")
        }
    }

    /// The connection is gone: its sessions stay resumable, its subscriptions end.
    func coachingConnectionClosed(_ connection: ClientConnection) {
        registry.disconnect(connection.token)
        guard let user = connection.coaching?.user else { return }
        connection.coaching?.user = nil
        user.connections.removeAll { $0 == connection.token }
        for sessionID in connection.coaching?.sessions ?? [] {
            guard let session = user.sessions[sessionID], session.connection == connection.token else { continue }
            session.connection = nil
            session.detachedAtMono = nowMs
        }
        connection.coaching?.sessions = []
        connection.coaching?.userId = nil
    }
}
