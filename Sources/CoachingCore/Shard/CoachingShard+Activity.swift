public import FlowEngine
import WSProtocol

/// `activity`, the hot path: dedupe by seq, detect, answer `flow`, account the window.
/// Allocation-free once a session's day and language are known.
extension CoachingShard {
    public func receivedActivity(
        _ connection: CoachingConnection, _ user: UserState, session sessionID: SessionID, window: ActivityWindow, ref: RequestID?
    ) {
        // Found among the sessions the connection carries (usually one), not in the user's
        // table, whose search would touch each session before it (CarriedSessions.swift).
        guard let live = connection.sessions[sessionID], !live.ended, live.carrier === connection else {
            reject(connection, AppError(.unknownSession,
                "session: \(sessionID) is not open on this connection; send session.start first", ref: ref))
            return
        }
        let seq = window.seq
        if seq <= live.lastSeq {
            // PROTOCOL.md: a replayed seq is answered again, marked, and changes nothing.
            stats.add(.duplicateActivities)
            accepted(connection)
            var answer = live.answered.answer(for: seq) ?? AnsweredFlow(live.flow.lastAssessment)
            answer.seq = seq
            encoder.flow(session: sessionID, answer: answer, duplicate: true, ref: ref)
            sendEncoded(connection)
            return
        }
        guard seq - live.lastSeq <= settings.maxSeqGap else {
            reject(connection, AppError(.invalidField,
                "seq: \(seq) jumps more than \(settings.maxSeqGap) past the session's last seq \(live.lastSeq) (sessions.max_seq_gap)",
                ref: ref))
            return
        }
        // A session's event time moves forward: a window may trail the session's latest
        // one by at most the allowed skew. (How far ahead of the server's clock `at_ms` may
        // lie is the decoder's bound: clients that replay compressed time, like the soak
        // client, run ahead of it.)
        let earliest = (live.latestWindowAtMs == .min ? .min / 2 : live.latestWindowAtMs) - settings.maxClockSkewMs
        guard window.atMs >= earliest else {
            reject(connection, AppError(.invalidField,
                "at_ms: \(window.atMs) is more than \(settings.maxClockSkewMs) ms before this session's latest window (sessions.max_clock_skew_ms); a session's event time moves forward",
                ref: ref))
            return
        }
        let day = DayTally.dayIndex(atMs: window.atMs, utcOffsetMs: user.utcOffsetMs)
        guard live.days.count < LiveSession.maximumDays || live.days.contains(day: day) else {
            // Bounds what one session can make the server keep and store per checkpoint.
            reject(connection, AppError(.invalidField,
                "at_ms: a session spans at most \(LiveSession.maximumDays) days; start a new session", ref: ref))
            return
        }
        accepted(connection)
        let update = user.coach.ingest(window, session: &live.flow, utcOffsetMs: user.utcOffsetMs)
        live.lastSeq = seq
        live.lastAtMs = max(live.lastAtMs, window.atMs)
        live.latestWindowAtMs = max(live.latestWindowAtMs, window.atMs)
        live.lastActivityMono = now.monotonicMs
        live.dirty = true
        wake(live)
        account(update.flow, window: window, of: live, user)
        let answer = AnsweredFlow(update.flow)
        live.answered.remember(answer)
        encoder.flow(session: sessionID, answer: answer, ref: ref)
        sendEncoded(connection)
        if let reminder = update.breakReminder {
            stats.add(.breakReminders)
            live.noteBreakReminder(atMs: window.atMs)
            encoder.breakReminder(reminder)
            // One reminder per user, on every live connection: the dashboard marks it and
            // may answer it as well as the editor.
            for live in user.connections where !live.closing && live.isAuthenticated { sendEncoded(live) }
        }
        activityChanged(user)
        // A reminder sent is stored at once, ahead of the checkpoint that will cover this
        // window: once that seq is `durable`, a node that takes the user over knows it.
        if update.breakReminder != nil { saveBaseline(of: user) }
        announceGoalIfReached(user)
        stats.add(.activities)
    }

    /// Adds one window to the session's day tallies, its flow periods and the pending
    /// leaderboard time (no allocation once the day and language are known).
    private func account(_ flow: FlowAssessment, window: ActivityWindow, of live: LiveSession, _ user: UserState) {
        let activeMs = window.isActive ? min(max(window.windowMs, 0), 600_000) : 0
        let flowDelta = max(0, flow.sessionFlowMs - live.accountedFlowMs)
        live.accountedFlowMs = max(live.accountedFlowMs, flow.sessionFlowMs)
        let language = window.language ?? live.flow.language
        // Plain values for the closure: capturing `window` would copy it (and retain its array).
        let keystrokes = min(max(window.keystrokes, 0), 1_000_000)
        let linesAdded = min(max(window.linesAdded, 0), 1_000_000)
        let linesDeleted = min(max(window.linesDeleted, 0), 1_000_000)
        live.days.update(day: DayTally.dayIndex(atMs: window.atMs, utcOffsetMs: user.utcOffsetMs)) { tally in
            tally.activeMs += activeMs
            tally.flowMs += flowDelta
            tally.keystrokes += keystrokes
            tally.linesAdded += linesAdded
            tally.linesDeleted += linesDeleted
            if activeMs > 0, let language { tally.addLanguage(language, ms: activeMs) }
        }
        if let period = flow.endedPeriod { live.pendingPeriods.append(FlowPeriodRecord(period)) }
        live.noteState(flow)
        addScore(live, language: language, atMs: window.atMs, codingMs: activeMs, flowMs: flowDelta)
    }

    /// Flow time that appeared without a message (idle timer, session end): the day of
    /// `atMs` and the leaderboards get it.
    public func accountFlowOnly(_ flowMs: Int64, atMs: Int64, of live: LiveSession, _ user: UserState) {
        guard flowMs > 0 else { return }
        live.days.update(day: DayTally.dayIndex(atMs: atMs, utcOffsetMs: user.utcOffsetMs)) { $0.flowMs += flowMs }
        addScore(live, language: live.flow.language, atMs: atMs, codingMs: 0, flowMs: flowMs)
    }
}
