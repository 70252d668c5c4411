import FlowEngine
import WSProtocol

/// The coaching timers, run by the shell every ``CoachingShard/tickIntervalMs``:
/// server-noticed state changes (idle), checkpoints, the resume window, baselines,
/// leaderboard time and `stats:me`.
///
/// The sweep visits only the sessions with something due: each session has a wake-up time
/// in ``CoachingShard/sessionWakeUps`` (the earliest of its idle transition, its next
/// checkpoint and the end of its resume window), and anything that changes a session
/// outside the sweep asks for a visit at the next tick (``wake(_:)``). A visit does what the
/// sweep once did to every session on every tick, then computes the next wake-up.
extension CoachingShard {
    public func tick(at time: CoachingTime) {
        now = time
        if visitsEverySession {
            for user in users.values {
                for live in user.sessions.values { wake(live) }
                user.wakeMs = now.monotonicMs  // any earlier entry of the user is stale now
                userWakeUps.add(user, dueMs: now.monotonicMs)
            }
        }
        visitDueSessions()
        if sessionWakeUps.count >= wakeUpsCompactionCount { compactWakeUps() }
        visitDueUsers()
        flushScores()
        publishVisitedUsersStats()
        if userWakeUps.count >= userWakeUpsCompactionCount { compactUserWakeUps() }
    }

    /// Asks the sweep to visit `live` at the next tick: something changed it (a window, an
    /// end, a lost connection), so its next wake-up must be computed again.
    public func wake(_ live: LiveSession) {
        schedule(live, atMs: sweeping ? now.monotonicMs + 1 : now.monotonicMs)
    }

    /// `live` has left its user's sessions (forgotten, purged, given up): its queued
    /// wake-ups are stale from now on, and it is never queued again (no time is earlier).
    func retire(_ live: LiveSession) {
        live.wakeMs = .min
    }

    private func schedule(_ live: LiveSession, atMs dueMs: Int64) {
        guard dueMs < live.wakeMs else { return }  // an earlier wake-up is pending already (or retired)
        live.wakeMs = dueMs
        sessionWakeUps.add(live, dueMs: dueMs)
    }

    private func visitDueSessions() {
        sweeping = true
        defer { sweeping = false }
        while let entry = sessionWakeUps.popDue(atMs: now.monotonicMs) {
            let live = entry.element
            // Superseded by an earlier wake-up, which was visited already.
            guard entry.dueMs == live.wakeMs else { continue }
            live.wakeMs = .max
            // Forgotten since (ended and stored, or its user dropped).
            guard let user = users[live.userId], user.sessions[live.id] === live else { continue }
            sessionVisits += 1
            tick(live, of: user)
            parkScore(of: live)
            guard user.sessions[live.id] === live else { continue }
            if let dueMs = nextWakeMs(of: live) { schedule(live, atMs: max(dueMs, now.monotonicMs + 1)) }
        }
    }

    /// Drops the wake-ups that no longer match their session (superseded, or the session
    /// forgotten): each `activity` asks for a visit at once while the session's later
    /// deadline stays queued, so without this the heap would hold a stale entry per update
    /// until its time comes (and keep forgotten sessions alive until then).
    func compactWakeUps() {
        // A session forgotten since has `wakeMs == .min` (``retire(_:)``), which no entry
        // matches: no look-up of its user and id.
        sessionWakeUps.compact { entry in entry.dueMs == entry.element.wakeMs }
        wakeUpsCompactionCount = max(wakeUpsCompactionMinimum, 2 * sessionWakeUps.count)
    }

    /// The first monotonic time at which ``tick(_:of:)`` would do something to `live`,
    /// nil when nothing can happen until an input changes it. Mirrors that function's tests.
    private func nextWakeMs(of live: LiveSession) -> Int64? {
        var due = Int64.max
        if live.score.amount.codingMs > 0 || live.score.amount.flowMs > 0 { due = now.monotonicMs }
        if live.dirty {
            // An ended session's refused final checkpoint is tried again on every tick.
            due = min(due, live.ended ? now.monotonicMs : live.lastCheckpointMono.clampedAdding(settings.checkpointIntervalMs))
        }
        if let detached = live.detachedAtMono {
            due = min(due, detached.clampedAdding(settings.resumeWindowMs))
        }
        if !live.ended {
            // The idle check runs after `idleCheckAfterMs` of silence with the client's
            // estimated time `lastAtMs + silence`; the detector says from which client time
            // on it can change state.
            let transitionMs = live.flow.detector.nextIdleTransitionMs
            if transitionMs != .max {
                let silenceMs = max(Self.idleCheckAfterMs, transitionMs.clampedSubtracting(live.lastAtMs))
                due = min(due, live.lastActivityMono.clampedAdding(silenceMs))
            }
        }
        return due == .max ? nil : due
    }

    private func tick(_ live: LiveSession, of user: UserState) {
        let nowMs = now.monotonicMs
        if live.ended {
            if live.dirty { checkpoint(live) }  // a refused final checkpoint, again
            if let detached = live.detachedAtMono, nowMs - detached >= settings.resumeWindowMs, !live.dirty {
                forget(live, of: user)
            }
            return
        }
        if nowMs - live.lastActivityMono >= Self.idleCheckAfterMs {
            // Estimated client time: its last event time plus the silence since.
            let clientNow = live.lastAtMs + (nowMs - live.lastActivityMono)
            if let flow = user.coach.advance(session: &live.flow, toMs: clientNow, utcOffsetMs: user.utcOffsetMs) {
                let flowDelta = max(0, flow.sessionFlowMs - live.accountedFlowMs)
                live.accountedFlowMs = max(live.accountedFlowMs, flow.sessionFlowMs)
                accountFlowOnly(flowDelta, atMs: clientNow, of: live, user)
                if let period = flow.endedPeriod { live.pendingPeriods.append(FlowPeriodRecord(period)) }
                live.noteState(flow)
                live.dirty = true
                statsChanged(user)
                if let connection = live.carrier {
                    encoder.flow(session: live.id, assessment: flow)
                    sendEncoded(connection)
                }
            }
        }
        if let detached = live.detachedAtMono, nowMs - detached >= settings.resumeWindowMs {
            // Nobody resumed it: end it with what arrived, summarised in the store.
            stats.add(.sessionsExpired)
            finish(live, of: user, atMs: live.lastAtMs)
            if !live.dirty { forget(live, of: user) }
            return
        }
        if live.dirty && nowMs - live.lastCheckpointMono >= settings.checkpointIntervalMs {
            checkpoint(live)
        }
    }

    /// Hands the user's coach state (baseline and break scheduler) to the writer.
    func saveBaseline(of user: UserState) {
        if shell.enqueue(.baseline(coachRecord(of: user))) {
            user.baselineSaved(atMono: now.monotonicMs)
        }
    }

    /// What the store keeps of the user's coach: the node that coaches them next restores it.
    func coachRecord(of user: UserState) -> BaselineRecord {
        let savedAtMs = user.lastCoachSavedAtMs == .min ? now.wallMs : max(now.wallMs, user.lastCoachSavedAtMs + 1)
        user.lastCoachSavedAtMs = savedAtMs
        return BaselineRecord(userId: user.userId, updatedAtMs: savedAtMs, bytes: user.coach.baseline.encode(),
                              breaks: user.coach.breaks.encode())
    }

    /// A connected session's latest checkpoint has not been acknowledged yet: at shutdown
    /// the shell waits (bounded) for its `durable` before it says goodbye, so a client can
    /// drop its buffer without resuming first.
    public var awaitsDurableAcks: Bool {
        users.values.contains { user in
            user.sessions.values.contains { $0.carrier != nil && ($0.dirty || $0.checkpointedSeq > $0.durableSeq) }
        }
    }

    /// Graceful shutdown: every session's latest state goes to the writer (not ended —
    /// clients resume after the restart), with the baselines.
    public func checkpointEverything(at time: CoachingTime) {
        now = time
        for user in users.values {
            for live in user.sessions.values {
                if live.dirty { checkpoint(live) }
                parkScore(of: live)
            }
            if user.baselineDirty { saveBaseline(of: user) }
        }
        flushScores()
    }
}

extension Int64 {
    /// `self + other`, held at the bounds instead of trapping (deadlines far in the future).
    func clampedAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self - other`, held at the bounds instead of trapping.
    func clampedSubtracting(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }
}
