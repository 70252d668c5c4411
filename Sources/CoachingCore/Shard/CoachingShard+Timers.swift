import FlowEngine
import WSProtocol

/// The coaching timers, run by the shell every ``CoachingShard/tickIntervalMs``:
/// server-noticed state changes (idle), checkpoints, the resume window, baselines,
/// leaderboard time and `stats:me`.
extension CoachingShard {
    public func tick(at time: CoachingTime) {
        now = time
        for (userId, user) in users {
            if now.monotonicMs >= user.offsetRefreshDueMono {
                user.utcOffsetMs = configuration.utcOffsetMs(user.user.timeZone, now.wallMs)
                user.offsetRefreshDueMono = now.monotonicMs + Self.offsetRefreshIntervalMs
            }
            for live in user.sessions.values {
                tick(live, of: user)
                parkScore(of: live)
            }
            if user.baselineDirty && (now.monotonicMs - user.lastBaselineSaveMono >= settings.checkpointIntervalMs || user.sessions.isEmpty) {
                saveBaseline(of: user)
            }
            if user.isIdle && !user.baselineDirty {
                dropUser(userId)
            }
        }
        flushScores()
        publishUserStats()
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
                live.dirty = true
                user.statsDirty = true
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

    private func saveBaseline(of user: UserState) {
        let record = BaselineRecord(userId: user.userId, updatedAtMs: now.wallMs, bytes: user.coach.baseline.encode())
        if shell.enqueue(.baseline(record)) {
            user.baselineDirty = false
            user.lastBaselineSaveMono = now.monotonicMs
        }
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
