import Persistence
public import CoachingCore
import FlowEngine
import Logging
import LoopKit
import WSProtocol

/// The loop as the coaching shard's shell: it carries out the shard's actions on this
/// loop's sockets, and hands records, store jobs and look-ups to the other threads.
extension EventLoop: CoachingShell {
    public func send(_ connection: ConnectionID, _ payload: UnsafeRawBufferPointer) {
        shardCallbackDepth += 1
        defer { shardCallbackDepth -= 1 }
        writeText(payload, to: connection)
    }

    /// Frames `payload` as a text message into the connection's output, if it is open.
    private func writeText(_ payload: UnsafeRawBufferPointer, to id: ConnectionID) {
        guard let connection = connection(for: id), connection.endpoint?.state == .open else { return }
        writeOutput(to: connection) { _ = connection.endpoint?.send(.text, payload: payload, into: &$0) }
    }

    public func perform(_ action: CoachingAction) {
        shardCallbackDepth += 1
        defer { shardCallbackDepth -= 1 }
        switch action {
        case .send(let id, let payload):
            writeText(payload, to: id)
        case .deliverSnapshot(let id, let event):
            guard let connection = connection(for: id) else { return }
            shard.deliverSnapshot(event, to: id, isBackedUp: !connection.pendingOutput.isEmpty) { bytes in
                writeFrame(bytes, to: connection)
            }
        case .publishLocally(let event):
            publish(event)
        case .close(let id, let code, let reason):
            guard let connection = connection(for: id) else { return }
            startClosingHandshake(connection, code: code, reason: reason)
        case .refuseUpgrade(let id, let status, let reason):
            guard let connection = connection(for: id) else { return }
            connection.pendingHandshake = nil
            if status == 401 {
                refuseUnauthorized(connection, reason: reason)
            } else {
                respond(connection, status: status, reason: "Service Unavailable", contentType: "text/plain",
                        body: Array((reason + "\n").utf8), headers: [HTTPHeader(name: "Retry-After", value: "1")])
            }
            flush(connection)
        case .checkToken(let id, let token, let fromDay):
            guard let connection = connection(for: id) else { return }
            submitTokenCheck(token, fromDay: fromDay, for: connection)
        case .lookUpSession(let id, let request):
            guard let connection = connection(for: id) else { return }
            submitSessionLookup(request, for: connection)
        case .resumeInput(let id):
            guard let connection = connection(for: id) else { return }
            resumeInput(connection)
        case .handOver(let id, let home, let user, let helloRef):
            guard let connection = connection(for: id) else { return }
            handOver(connection, to: home, user: user, helloRef: helloRef)
        case .leaderboard(let input):
            // Several nodes: the boards follow committed totals, which every node reads
            // alike (ClusterScoreMirror); live time would count on one node only.
            if services?.cluster != nil {
                switch input {
                case .score, .identify, .numberedScore: return
                default: break
                }
            }
            services?.leaderboards.post(input)
        }
    }

    public func enqueue(_ record: PersistenceRecord) -> Bool {
        services?.writer.enqueue(record) ?? false
    }

    public func submit(_ job: StoreJob) -> Bool {
        guard let services else { return false }
        if let answer = job.answer {
            // The answer comes back to this loop's shard through its mailbox.
            let mailbox = mailbox
            return services.writer.submit { store in mailbox.post(.storeJobAnswered(answer(store))) }
        }
        let logger = logger
        return services.writer.submit { store in
            do {
                try job.run(store)
            } catch {
                logger.error("\(job.name) failed", metadata: ["user": "\(job.userId)", "error": "\(error)"])
            }
        }
    }

    public func latestSnapshot(for key: ChannelKey) -> ChannelEvent? {
        services?.leaderboards.latest(for: key)
    }

    // MARK: Channel delivery

    /// An event from the leaderboard owner (or this loop's `stats:me`): the shared frame
    /// goes to every subscriber on this loop; slow readers keep only the latest.
    func publish(_ event: ChannelEvent) {
        shard.publish(event, isBackedUp: { token in
            guard let connection = connection(for: token) else { return true }
            return !connection.pendingOutput.isEmpty
        }, write: { token, bytes in
            guard let connection = connection(for: token) else { return }
            // The shard is iterating its subscribers: a failed write must not unsubscribe
            // one from under it (see `closedDuringShardCall`).
            shardCallbackDepth += 1
            defer { shardCallbackDepth -= 1 }
            writeFrame(bytes, to: connection)
            flush(connection)
        })
    }

    /// Appends one complete pre-encoded frame to the connection's output.
    private func writeFrame(_ bytes: UnsafeRawBufferPointer, to connection: ClientConnection) {
        guard connection.endpoint?.state == .open else { return }
        writeOutput(to: connection) { $0.append(bytes) }
        stats.add(.channelEventsSent)
        stats.add(.messagesSent)
    }

    /// Frames held for a slow reader whose output has drained.
    func deliverHeldFrames(_ connection: ClientConnection) {
        guard shard.hasHeldFrames(for: connection.token) else { return }
        for frame in shard.takeHeldFrames(for: connection.token) {
            frame.bytes.withUnsafeBytes { writeFrame($0, to: connection) }
        }
    }

    // MARK: Work for the store reader

    /// Asks the reader thread to check `token` and load the user's profile; the answer
    /// comes back as `.authenticated` on this loop's mailbox.
    private func submitTokenCheck(_ token: String, fromDay: String, for connection: ClientConnection) {
        guard let services else { return }
        pauseInput(connection)
        let mailbox = mailbox
        let connectionToken = connection.token
        let cluster = services.cluster
        let queued = services.reader.submit { store in
            let outcome = TokenCheck.run(token, store: store, fromDay: fromDay, nowMs: WallClock.nowMs())
            if let cluster, case .valid(let user) = outcome, !cluster.owns(user.user.id) {
                // Several nodes: the cluster thread takes the user's ownership lock first.
                cluster.claim(user.user.id, token: token, fromDay: fromDay) { outcome in
                    mailbox.post(.authenticated(token: connectionToken, outcome: outcome))
                }
                return
            }
            mailbox.post(.authenticated(token: connectionToken, outcome: outcome))
        }
        // Answered through the mailbox like a real answer: the shard is still handling the
        // input that asked, and is not re-entered.
        if !queued { mailbox.post(.authenticated(token: connectionToken, outcome: .unavailable)) }
    }

    /// The reader's answer for the connection `token` (which may have closed meanwhile).
    func receivedAuthentication(token: UInt64, outcome answer: AuthOutcome) {
        guard let connection = connection(for: token), let coaching = connection.coaching, coaching.authenticating else { return }
        var outcome = answer
        if case .valid(let user) = answer, let cluster = services?.cluster, !cluster.owns(user.user.id) {
            outcome = .unavailable  // handed to another node between the lock and now
        }
        if case .valid = outcome, let response = connection.pendingHandshake {
            // The Bearer token checked out: the held upgrade is answered before any message.
            connection.pendingHandshake = nil
            openWebSocket(connection, response, route: .coaching)
        }
        shard.tokenChecked(coaching, outcome: outcome, at: coachingTime)
    }

    /// Asks the reader to claim a session that is not live here for the connection's user:
    /// the store records the owner at once (so no other user, on any loop or node, can
    /// start the same id) or answers the stored session (a resume after a restart, or
    /// another user's: taken). Nothing more is read from the connection until it answers.
    private func submitSessionLookup(_ request: SessionStartRequest, for connection: ClientConnection) {
        guard let services, let userId = connection.coaching?.userId else { return }
        pauseInput(connection)
        let mailbox = mailbox
        let token = connection.token
        let idText = request.session.description
        let queued = services.reader.submit { store in
            let outcome: SessionLookupOutcome
            do {
                switch try store.claimSession(id: idText, userId: userId, startedAtMs: request.atMs, project: request.project) {
                case .claimed: outcome = .notFound
                case .existing(let stored): outcome = .found(stored)
                case .noSuchUser: outcome = .unavailable
                }
            } catch {
                outcome = .unavailable
            }
            mailbox.post(.sessionLookup(token: token, request: request, outcome: outcome))
        }
        if !queued { mailbox.post(.sessionLookup(token: token, request: request, outcome: .unavailable)) }
    }

    /// The reader's answer to a session look-up for connection `token`.
    func receivedSessionLookup(token: UInt64, request: SessionStartRequest, outcome: SessionLookupOutcome) {
        guard let connection = connection(for: token), let coaching = connection.coaching else { return }
        shard.sessionLookedUp(coaching, request: request, outcome: outcome, at: coachingTime)
    }
}
