public import FlowEngine
import WSProtocol

/// Sessions and the sequence contract (DESIGN.md "Data guarantees"): a session starts or
/// resumes — from memory after a reconnect, or from the store after a restart — `durable`
/// follows the checkpoint that covers a seq, and `session.end` answers with the summary.
extension CoachingShard {
    // MARK: session.start

    public func receivedSessionStart(_ connection: CoachingConnection, _ user: UserState, _ request: SessionStartRequest) {
        if let live = user.sessions[request.session] {
            resume(live, on: connection, user, ref: request.ref)
            return
        }
        guard user.openSessionCount < settings.maxSessionsPerUser else {
            reject(connection, AppError(.invalidField,
                "session: at most \(settings.maxSessionsPerUser) live sessions per user (sessions.max_per_user); end one first",
                ref: request.ref))
            return
        }
        // Not live here: it may be stored (a resume after a restart). The shell asks the
        // store and reads nothing more from this connection until it answers.
        shell.perform(.lookUpSession(connection.id, request))
    }

    /// The store's answer to a session look-up for `connection`.
    public func sessionLookedUp(
        _ connection: CoachingConnection, request: SessionStartRequest, outcome: SessionLookupOutcome, at time: CoachingTime
    ) {
        now = time
        defer { shell.perform(.resumeInput(connection.id)) }
        guard !connection.closing, let user = connection.user else { return }
        if let live = user.sessions[request.session] {  // started meanwhile by another request
            resume(live, on: connection, user, ref: request.ref)
            return
        }
        switch outcome {
        case .unavailable:
            reject(connection, AppError(.internal, "session.start: the store is unavailable; retry", ref: request.ref))
        case .notFound:
            let flow = user.coach.startSession(
                atMs: request.atMs, project: request.project, language: request.language, utcOffsetMs: user.utcOffsetMs)
            let live = LiveSession(id: request.session, userId: user.userId, flow: flow, startedAtMs: request.atMs,
                                   nowMono: now.monotonicMs)
            live.dirty = true  // the first checkpoint records the session
            adopt(live, into: user, on: connection)
            stats.add(.sessionsStarted)
            accepted(connection)
            encoder.sessionStarted(session: live.id, resumed: false, lastSeq: 0, durableSeq: 0, ref: request.ref)
            sendEncoded(connection)
        case .found(let stored):
            let checkpoint = stored.checkpoint
            guard checkpoint.userId == user.userId else {
                reject(connection, AppError(.invalidField, "session: this id is taken; choose a new UUID", ref: request.ref))
                return
            }
            guard !checkpoint.ended else {
                reject(connection, AppError(.invalidField,
                    "session: this session has ended; start a new one with a new id", ref: request.ref))
                return
            }
            let flow = user.coach.startSession(
                atMs: checkpoint.lastAtMs, project: checkpoint.project, language: request.language, utcOffsetMs: user.utcOffsetMs)
            let live = LiveSession(id: request.session, userId: user.userId, flow: flow, startedAtMs: checkpoint.startedAtMs,
                                   nowMono: now.monotonicMs, restoring: checkpoint)
            adopt(live, into: user, on: connection)
            stats.add(.sessionsResumed)
            accepted(connection)
            encoder.sessionStarted(session: live.id, resumed: true, lastSeq: live.lastSeq, durableSeq: live.durableSeq, ref: request.ref)
            sendEncoded(connection)
        }
    }

    private func adopt(_ live: LiveSession, into user: UserState, on connection: CoachingConnection) {
        if let previous = user.sessions[live.id], previous !== live { retire(previous) }
        user.sessions[live.id] = live
        wake(live)
        stats.add(.sessionsLive)
        live.carrier = connection
        connection.sessions.append(live)
        statsChanged(user)
    }

    /// `session.start` for a live session: this connection carries it from now on.
    private func resume(_ live: LiveSession, on connection: CoachingConnection, _ user: UserState, ref: RequestID?) {
        guard !live.ended else {
            reject(connection, AppError(.invalidField, "session: this session has ended; start a new one with a new id", ref: ref))
            return
        }
        if let previous = live.carrier, previous !== connection {
            previous.sessions.removeAll { $0 === live }
        }
        if live.carrier !== connection {
            live.carrier = connection
            connection.sessions.append(live)
        }
        live.detachedAtMono = nil
        wake(live)
        stats.add(.sessionsResumed)
        accepted(connection)
        encoder.sessionStarted(session: live.id, resumed: true, lastSeq: live.lastSeq, durableSeq: live.durableSeq, ref: ref)
        sendEncoded(connection)
    }

    // MARK: session.end

    public func receivedSessionEnd(_ connection: CoachingConnection, _ user: UserState, _ end: InboundMessage.SessionEnd, ref: RequestID?) {
        guard let live = user.sessions[end.session], live.carrier === connection || live.ended else {
            reject(connection, AppError(.unknownSession,
                "session: \(end.session) is not open on this connection; send session.start first", ref: ref))
            return
        }
        if !live.ended { finish(live, of: user, atMs: end.atMs) }
        accepted(connection)
        let checkpoint = live.checkpoint(endMs: live.endedAtMs)
        encoder.sessionSummary(
            session: live.id, durationMs: max(0, live.endedAtMs - live.startedAtMs), totals: checkpoint.totals,
            languages: checkpoint.languageMs, ref: ref)
        sendEncoded(connection)
    }

    /// Ends a session (`session.end`, or the resume window ran out) and checkpoints it.
    public func finish(_ live: LiveSession, of user: UserState, atMs: Int64) {
        _ = user.coach.endSession(&live.flow, atMs: atMs, utcOffsetMs: user.utcOffsetMs)
        let flowDelta = max(0, live.flow.detector.sessionFlowMs - live.accountedFlowMs)
        live.accountedFlowMs = max(live.accountedFlowMs, live.flow.detector.sessionFlowMs)
        live.ended = true
        user.sessionsEnded += 1
        live.endOrder = user.sessionsEnded
        live.lastAtMs = max(atMs, live.lastAtMs)  // and so `endedAtMs`
        accountFlowOnly(flowDelta, atMs: live.endedAtMs, of: live, user)
        if let period = live.flow.closingPeriod { live.pendingPeriods.append(FlowPeriodRecord(period)) }
        live.closeMark(atMs: live.endedAtMs)
        live.dirty = true
        live.detachedAtMono = live.detachedAtMono ?? now.monotonicMs  // ended sessions linger for retried ends
        live.carrier?.sessions.removeAll { $0 === live }  // a connection carries open sessions only
        stats.add(.sessionsEnded)
        statsChanged(user)
        checkpoint(live)
        wake(live)
        forgetOldestEndedSessions(of: user)
    }

    /// Ended sessions linger (a retried `session.end` gets its summary again) but only the
    /// most recent `sessions.max_per_user` of them: a client that starts and ends sessions in
    /// a loop must not make the server keep every one for the whole resume window.
    private func forgetOldestEndedSessions(of user: UserState) {
        var ended = user.sessions.values.filter { $0.ended && !$0.dirty }
        let excess = ended.count - settings.maxSessionsPerUser
        guard excess > 0 else { return }
        ended.sort { $0.endOrder < $1.endOrder }
        for live in ended.prefix(excess) { forget(live, of: user) }
    }

    /// Drops a session from memory (its final state is with the writer).
    public func forget(_ live: LiveSession, of user: UserState) {
        parkScore(of: live)
        foldIntoStoredDays(live, of: user)
        user.sessions[live.id] = nil
        retire(live)
        stats.add(.sessionsLive, -1)
        statsChanged(user)
    }

    // MARK: Checkpoints and durable acks

    /// Hands the session's checkpoint to the writer; on a full queue it stays dirty and is
    /// tried again on the next tick (the checkpoint is cumulative, nothing is lost).
    public func checkpoint(_ live: LiveSession) {
        let record = live.checkpoint(endMs: live.ended ? live.endedAtMs : live.lastAtMs)
        guard shell.enqueue(.checkpoint(record)) else {
            stats.add(.checkpointsRefused)
            return
        }
        live.pendingPeriods.removeAll()
        live.pendingMarks.removeAll()
        live.checkpointedSeq = live.lastSeq
        live.dirty = false
        live.lastCheckpointMono = now.monotonicMs
        stats.add(.checkpointsEnqueued)
    }

    /// The writer committed: tell each session's connection how far its data is stored.
    public func durable(_ acks: [DurableAck], at time: CoachingTime) {
        now = time
        for ack in acks {
            guard let user = users[ack.userId], let sessionID = SessionID(ack.sessionId),
                let live = user.sessions[sessionID], ack.seq > live.durableSeq || ack.seq == 0 && live.durableSeq == 0
            else { continue }
            live.durableSeq = max(live.durableSeq, ack.seq)
            guard ack.seq > 0, let connection = live.carrier else { continue }
            encoder.durable(session: sessionID, seq: live.durableSeq)
            sendEncoded(connection)
            stats.add(.durableAcksSent)
        }
    }
}

extension FlowPeriodRecord {
    public init(_ period: FlowPeriod) {
        self.init(startMs: period.startMs, endMs: period.endMs, meanIntensity: period.meanIntensity,
                  peakIntensity: period.peakIntensity)
    }
}
