import Persistence
import CoachingCore
import FlowEngine
import Logging
import WSProtocol

/// Sessions and the sequence contract (DESIGN.md "Data guarantees"): `flow` answers every
/// `activity`, duplicates are answered again and change nothing, `durable` follows the
/// checkpoint that covers a seq, and a session resumes after a reconnect — from memory, or
/// from the store after a restart.
extension EventLoop {
    // MARK: session.start

    func receivedSessionStart(_ connection: ClientConnection, _ user: UserState, _ request: SessionStartRequest) {
        guard let services else { return }
        if let live = user.sessions[request.session] {
            resume(live, on: connection, user, ref: request.ref)
            return
        }
        guard user.openSessionCount < services.settings.maxSessionsPerUser else {
            rejectMessage(connection, AppError(.invalidField,
                "session: at most \(services.settings.maxSessionsPerUser) live sessions per user (sessions.max_per_user); end one first",
                ref: request.ref))
            return
        }
        // Not live here: it may be stored (a resume after a restart). Ask the reader and
        // read nothing more from this connection until it answers.
        let mailbox = mailbox
        let token = connection.token
        let idText = request.session.description
        pauseInput(connection)
        let queued = services.reader.submit { store in
            let outcome: SessionLookupOutcome
            do {
                outcome = try store.session(id: idText).map { .found($0) } ?? .notFound
            } catch {
                outcome = .unavailable
            }
            mailbox.post(.sessionLookup(token: token, request: request, outcome: outcome))
        }
        if !queued { receivedSessionLookup(token: token, request: request, outcome: .unavailable) }
    }

    /// The reader's answer to a session look-up for connection `token`.
    func receivedSessionLookup(token: UInt64, request: SessionStartRequest, outcome: SessionLookupOutcome) {
        guard let connection = connection(for: token) else { return }
        defer {
            resumeInput(connection)
            flush(connection)
        }
        guard let userId = connection.coaching?.userId, let user = users[userId] else { return }
        if let live = user.sessions[request.session] {  // started meanwhile by another request
            resume(live, on: connection, user, ref: request.ref)
            return
        }
        switch outcome {
        case .unavailable:
            rejectMessage(connection, AppError(.internal, "session.start: the store is unavailable; retry", ref: request.ref))
        case .notFound:
            let flow = user.coach.startSession(
                atMs: request.atMs, project: request.project, language: request.language, utcOffsetMs: user.utcOffsetMs)
            let live = LiveSession(id: request.session, userId: userId, flow: flow, startedAtMs: request.atMs,
                                   project: request.project, nowMono: nowMs)
            live.dirty = true  // the first checkpoint records the session
            adopt(live, into: user, on: connection)
            stats.add(.sessionsStarted)
            encoder.sessionStarted(session: live.id, resumed: false, lastSeq: 0, durableSeq: 0, ref: request.ref)
            sendEncoded(connection)
        case .found(let stored):
            let checkpoint = stored.checkpoint
            guard checkpoint.userId == userId else {
                rejectMessage(connection, AppError(.invalidField, "session: this id is taken; choose a new UUID", ref: request.ref))
                return
            }
            guard !checkpoint.ended else {
                rejectMessage(connection, AppError(.invalidField,
                    "session: this session has ended; start a new one with a new id", ref: request.ref))
                return
            }
            let flow = user.coach.startSession(
                atMs: checkpoint.lastAtMs, project: checkpoint.project, language: request.language, utcOffsetMs: user.utcOffsetMs)
            let live = LiveSession(id: request.session, userId: userId, flow: flow, startedAtMs: checkpoint.startedAtMs,
                                   project: checkpoint.project, nowMono: nowMs, restoring: checkpoint)
            adopt(live, into: user, on: connection)
            stats.add(.sessionsResumed)
            encoder.sessionStarted(session: live.id, resumed: true, lastSeq: live.lastSeq, durableSeq: live.durableSeq, ref: request.ref)
            sendEncoded(connection)
        }
    }

    private func adopt(_ live: LiveSession, into user: UserState, on connection: ClientConnection) {
        user.sessions[live.id] = live
        stats.add(.sessionsLive)
        live.connection = connection.token
        connection.coaching?.sessions.append(live.id)
        user.statsDirty = true
    }

    /// `session.start` for a live session: this connection carries it from now on.
    private func resume(_ live: LiveSession, on connection: ClientConnection, _ user: UserState, ref: RequestID?) {
        guard !live.ended else {
            rejectMessage(connection, AppError(.invalidField, "session: this session has ended; start a new one with a new id", ref: ref))
            return
        }
        if let previous = live.connection, previous != connection.token, let old = self.connection(for: previous) {
            old.coaching?.sessions.removeAll { $0 == live.id }
        }
        if live.connection != connection.token {
            live.connection = connection.token
            connection.coaching?.sessions.append(live.id)
        }
        live.detachedAtMono = nil
        stats.add(.sessionsResumed)
        encoder.sessionStarted(session: live.id, resumed: true, lastSeq: live.lastSeq, durableSeq: live.durableSeq, ref: ref)
        sendEncoded(connection)
    }

    // MARK: activity (the hot path)

    func receivedActivity(_ connection: ClientConnection, _ user: UserState, session sessionID: SessionID, ref: RequestID?) {
        guard let live = user.sessions[sessionID], !live.ended, live.connection == connection.token else {
            rejectMessage(connection, AppError(.unknownSession,
                "session: \(sessionID) is not open on this connection; send session.start first", ref: ref))
            return
        }
        let seq = decoder.window.seq
        if seq <= live.lastSeq {
            stats.add(.duplicateActivities)
            var answer = live.answered.answer(for: seq) ?? live.flow.lastAssessment
            answer.seq = seq
            encoder.flow(session: sessionID, assessment: answer, duplicate: true, ref: ref)
            sendEncoded(connection)
            return
        }
        let day = DayTally.dayIndex(atMs: decoder.window.atMs, utcOffsetMs: user.utcOffsetMs)
        guard live.days.count < LiveSession.maximumDays || live.days.contains(where: { $0.day == day }) else {
            // Bounds what one session can make the server keep and store per checkpoint.
            rejectMessage(connection, AppError(.invalidField,
                "at_ms: a session spans at most \(LiveSession.maximumDays) days; start a new session", ref: ref))
            return
        }
        if seq > live.lastSeq + 1 { live.gaps += 1 }
        let update = user.coach.ingest(decoder.window, session: &live.flow, utcOffsetMs: user.utcOffsetMs)
        live.lastSeq = seq
        live.lastAtMs = max(live.lastAtMs, decoder.window.atMs)
        live.lastActivityMono = nowMs
        live.dirty = true
        account(update.flow, window: decoder.window, of: live, user)
        live.answered.remember(update.flow)
        encoder.flow(session: sessionID, assessment: update.flow, ref: ref)
        sendEncoded(connection)
        if let reminder = update.breakReminder {
            stats.add(.breakReminders)
            encoder.breakReminder(reminder)
            sendEncoded(connection)
        }
        user.statsDirty = true
        user.baselineDirty = true
        stats.add(.activities)
    }

    /// Adds one window to the session's day tallies, its flow periods and the pending
    /// leaderboard time (no allocation once the day and language are known).
    private func account(_ flow: FlowAssessment, window: ActivityWindow, of live: LiveSession, _ user: UserState) {
        let activeMs = window.isActive ? min(max(window.windowMs, 0), 600_000) : 0
        let flowDelta = max(0, flow.sessionFlowMs - live.accountedFlowMs)
        live.accountedFlowMs = max(live.accountedFlowMs, flow.sessionFlowMs)
        let language = window.language ?? live.flow.language
        let tally = live.tallyIndex(forDay: DayTally.dayIndex(atMs: window.atMs, utcOffsetMs: user.utcOffsetMs))
        live.days[tally].activeMs += activeMs
        live.days[tally].flowMs += flowDelta
        live.days[tally].keystrokes += min(max(window.keystrokes, 0), 1_000_000)
        live.days[tally].linesAdded += min(max(window.linesAdded, 0), 1_000_000)
        live.days[tally].linesDeleted += min(max(window.linesDeleted, 0), 1_000_000)
        if activeMs > 0, let language { live.days[tally].addLanguage(language, ms: activeMs) }
        if let period = flow.endedPeriod { live.pendingPeriods.append(FlowPeriodRecord(period)) }
        addScore(live, language: language, atMs: window.atMs, codingMs: activeMs, flowMs: flowDelta)
    }

    /// Flow time that appeared without a message (idle timer, session end): the day of
    /// `atMs` and the leaderboards get it.
    func accountFlowOnly(_ flowMs: Int64, atMs: Int64, of live: LiveSession, _ user: UserState) {
        guard flowMs > 0 else { return }
        let tally = live.tallyIndex(forDay: DayTally.dayIndex(atMs: atMs, utcOffsetMs: user.utcOffsetMs))
        live.days[tally].flowMs += flowMs
        addScore(live, language: live.flow.language, atMs: atMs, codingMs: 0, flowMs: flowMs)
    }

    // MARK: session.end

    func receivedSessionEnd(_ connection: ClientConnection, _ user: UserState, _ end: InboundMessage.SessionEnd, ref: RequestID?) {
        guard let live = user.sessions[end.session], live.connection == connection.token || live.ended else {
            rejectMessage(connection, AppError(.unknownSession,
                "session: \(end.session) is not open on this connection; send session.start first", ref: ref))
            return
        }
        if !live.ended { finish(live, of: user, atMs: end.atMs) }
        let checkpoint = live.checkpoint(endMs: live.endedAtMs)
        encoder.sessionSummary(
            session: live.id, durationMs: max(0, live.endedAtMs - live.startedAtMs), totals: checkpoint.totals,
            languages: checkpoint.languageMs, ref: ref)
        sendEncoded(connection)
    }

    /// Ends a session (`session.end`, or the resume window ran out) and checkpoints it.
    func finish(_ live: LiveSession, of user: UserState, atMs: Int64) {
        _ = user.coach.endSession(&live.flow, atMs: atMs, utcOffsetMs: user.utcOffsetMs)
        let flowDelta = max(0, live.flow.detector.sessionFlowMs - live.accountedFlowMs)
        live.accountedFlowMs = max(live.accountedFlowMs, live.flow.detector.sessionFlowMs)
        live.ended = true
        user.sessionsEnded += 1
        live.endOrder = user.sessionsEnded
        live.endedAtMs = max(atMs, live.lastAtMs)
        live.lastAtMs = live.endedAtMs
        accountFlowOnly(flowDelta, atMs: live.endedAtMs, of: live, user)
        if let period = live.flow.closingPeriod { live.pendingPeriods.append(FlowPeriodRecord(period)) }
        live.dirty = true
        live.detachedAtMono = live.detachedAtMono ?? nowMs  // ended sessions linger for retried ends
        if let token = live.connection, let carrier = connection(for: token) {
            carrier.coaching?.sessions.removeAll { $0 == live.id }  // the connection carries open ones only
        }
        stats.add(.sessionsEnded)
        user.statsDirty = true
        checkpoint(live)
        forgetOldestEndedSessions(of: user)
    }

    /// Ended sessions linger (a retried `session.end` gets its summary again) but only the
    /// most recent `sessions.max_per_user` of them: a client that starts and ends sessions in
    /// a loop must not make the server keep every one for the whole resume window.
    private func forgetOldestEndedSessions(of user: UserState) {
        guard let services else { return }
        var ended = user.sessions.values.filter { $0.ended && !$0.dirty }
        let excess = ended.count - services.settings.maxSessionsPerUser
        guard excess > 0 else { return }
        ended.sort { $0.endOrder < $1.endOrder }
        for live in ended.prefix(excess) { forget(live, of: user) }
    }

    // MARK: Checkpoints and durable acks

    /// Hands the session's checkpoint to the writer; on a full queue it stays dirty and is
    /// tried again on the next tick (the checkpoint is cumulative, nothing is lost).
    func checkpoint(_ live: LiveSession) {
        guard let services else { return }
        let record = live.checkpoint(endMs: live.ended ? live.endedAtMs : live.lastAtMs)
        if services.writer.enqueue(.checkpoint(record)) {
            live.pendingPeriods.removeAll()
            live.checkpointedSeq = live.lastSeq
            live.dirty = false
            live.lastCheckpointMono = nowMs
            stats.add(.checkpointsEnqueued)
        } else {
            stats.add(.checkpointsRefused)
        }
    }

    /// The writer committed: tell each session's connection how far its data is stored.
    func receivedDurableAcks(_ acks: [DurableAck]) {
        for ack in acks {
            guard let user = users[ack.userId], let sessionID = SessionID(ack.sessionId),
                let live = user.sessions[sessionID], ack.seq > live.durableSeq || ack.seq == 0 && live.durableSeq == 0
            else { continue }
            live.durableSeq = max(live.durableSeq, ack.seq)
            guard ack.seq > 0, let token = live.connection, let connection = connection(for: token) else { continue }
            encoder.durable(session: sessionID, seq: live.durableSeq)
            sendEncoded(connection)
            stats.add(.durableAcksSent)
            flush(connection)
        }
    }
}

extension FlowPeriodRecord {
    init(_ period: FlowPeriod) {
        self.init(startMs: period.startMs, endMs: period.endMs, meanIntensity: period.meanIntensity,
                  peakIntensity: period.peakIntensity)
    }
}
