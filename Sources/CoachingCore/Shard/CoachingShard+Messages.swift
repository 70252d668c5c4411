import FlowEngine
import WSProtocol

/// The coaching protocol's client messages (PROTOCOL.md): limits, decoding, scopes, the
/// rate limit, and the dispatch of each message.
extension CoachingShard {
    /// One text message of a `/v1/ws` connection.
    public func receivedText(_ connection: CoachingConnection, _ payload: UnsafeRawBufferPointer, at time: CoachingTime) {
        now = time
        guard !connection.closing else { return }
        guard payload.count <= settings.maxMessageBytes else {
            reject(connection, AppError(.tooLarge,
                "message: \(payload.count) bytes; the limit is \(settings.maxMessageBytes) (limits.max_message_bytes)"))
            return
        }
        switch decoder.decode(payload, nowMs: time.wallMs) {
        case .rejected(let error):
            if connection.isAuthenticated {
                reject(connection, error)
            } else {
                refuseHello(connection, AppError(.unauthorized, "send {\"type\":\"hello\",\"token\":…} first (\(error.message))", ref: error.ref))
            }
        case .message(let message, let ref):
            guard let user = connection.user else {
                if case .hello(let hello) = message, !connection.authenticating {
                    receivedHello(connection, token: hello.token, ref: ref)
                } else {
                    refuseHello(connection, AppError(.unauthorized,
                        "\(message.typeName): not authenticated; send {\"type\":\"hello\",\"token\":…} first", ref: ref))
                }
                return
            }
            // Checked after decoding, so the refusal can say which request was dropped.
            guard connection.bucket.take(nowMs: time.monotonicMs, perSecond: settings.messagesPerSecond, burst: settings.messageBurst) else {
                stats.add(.rateLimited)
                var dropped = "\(message.typeName)"
                if case .activity(let session) = message { dropped = "activity seq \(decoder.window.seq) of session \(session)" }
                reject(connection, AppError(.rateLimited,
                    "\(dropped) dropped: more than \(settings.messagesPerSecond) messages per second (limits.messages_per_second); slow down and resend it",
                    ref: ref))
                return
            }
            handle(message, ref: ref, from: connection, of: user)
        }
    }

    /// A binary message: the protocol uses none.
    public func receivedBinary(_ connection: CoachingConnection, at time: CoachingTime) {
        now = time
        guard !connection.closing else { return }
        reject(connection, AppError(.badJSON, "message: binary frames are not used; send one JSON object per text frame"))
    }

    private func handle(_ message: InboundMessage, ref: RequestID?, from connection: CoachingConnection, of user: UserState) {
        switch message {
        case .hello(let hello):
            if let token = hello.token {
                receivedRepeatedHello(connection, token: token, ref: ref)
                return
            }
            accepted(connection)
            encoder.welcome(userID: user.userId, userName: user.user.displayName, serverTimeMs: now.wallMs,
                            heartbeatSeconds: configuration.heartbeatSeconds, ref: ref)
            sendEncoded(connection)
        case .activity(let session):
            guard requireIngest(connection, "activity", ref: ref) else { return }
            decoder.lendWindow { window in
                receivedActivity(connection, user, session: session, window: window, ref: ref)
            }
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
            unsubscribe(connection, user, channel: channel, ref: ref)
        case .breakAck(let ack):
            guard user.coach.receivedBreakAck(reminder: ack.reminder, action: ack.action, atMs: now.wallMs) else {
                reject(connection, AppError(.invalidField, "reminder: b-\(ack.reminder) is not the outstanding break reminder", ref: ref))
                return
            }
            accepted(connection)
            saveBaseline(of: user)  // the answer holds on another node, or after a restart
            encoder.ack(ref: ref)
            sendEncoded(connection)
        case .privacySet(let change):
            receivedPrivacy(connection, user, change, ref: ref)
        case .ping:
            accepted(connection)
            encoder.pong(ref: ref)
            sendEncoded(connection)
        case .goalSet(let goal):
            receivedGoalSet(connection, user, goal, ref: ref)
        }
    }

    /// A message was accepted: the run of rejected ones is over.
    public func accepted(_ connection: CoachingConnection) {
        connection.consecutiveErrors = 0
    }

    /// Scope check: only `ingest` tokens send data (PROTOCOL.md "Connecting").
    private func requireIngest(_ connection: CoachingConnection, _ type: String, ref: RequestID?) -> Bool {
        guard connection.scope == .ingest else {
            reject(connection, AppError(.forbidden, "\(type): a read token may only subscribe and query; use an ingest token", ref: ref))
            return false
        }
        return true
    }

    /// `privacy.set`: applied at once (leaderboards, this loop), stored by the writer.
    private func receivedPrivacy(_ connection: CoachingConnection, _ user: UserState, _ change: InboundMessage.PrivacyChange, ref: RequestID?) {
        var settings = user.privacy
        if let visible = change.leaderboardVisible { settings.leaderboardVisible = visible }
        if let share = change.shareProjectNames { settings.shareProjectNames = share }
        let stored = settings
        let userId = user.userId
        let atMs = now.wallMs
        let queued = shell.submit(StoreJob(name: "storing privacy settings", userId: userId) { store throws(StoreError) in
            try store.setPrivacySettings(stored, userId: userId, atMs: atMs)
        })
        guard queued else {
            reject(connection, AppError(.internal, "privacy.set: the store is busy; retry", ref: ref))
            return
        }
        user.privacy = settings
        shell.perform(.leaderboard(.privacy(userId: userId, leaderboardVisible: settings.leaderboardVisible)))
        statsChanged(user)
        accepted(connection)
        encoder.ack(ref: ref)
        sendEncoded(connection)
    }
}
