import Persistence
import CoachingCore
import FlowEngine
import Logging

/// The coaching timers, run by sweeping every `coachingTickMs` (like the connection
/// timeouts): server-noticed state changes (idle), checkpoints, the resume window,
/// baselines, leaderboard time and `stats:me`.
extension EventLoop {
    static let coachingTickMs: Int64 = 500
    /// Silence after which the detector is asked whether the state changed by itself.
    static let idleCheckAfterMs: Int64 = 1_000

    func coachingTick() {
        guard let services else { return }
        let settings = services.settings
        for (userId, user) in users {
            if nowMs >= user.offsetRefreshDueMono {
                user.utcOffsetMs = UserTime.offsetMs(timeZone: user.user.timeZone, atMs: wallClockMs())
                user.offsetRefreshDueMono = nowMs + UserTime.refreshIntervalMs
            }
            for live in user.sessions.values {
                tick(live, of: user, settings: settings)
                parkScore(of: live)
            }
            if user.baselineDirty && (nowMs - user.lastBaselineSaveMono >= settings.checkpointIntervalMs || user.sessions.isEmpty) {
                saveBaseline(of: user)
            }
            if user.isIdle && !user.baselineDirty {
                users[userId] = nil
            }
        }
        flushScores()
        publishUserStats()
    }

    private func tick(_ live: LiveSession, of user: UserState, settings: CoachingSettings) {
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
                if let token = live.connection, let connection = connection(for: token) {
                    encoder.flow(session: live.id, assessment: flow)
                    sendEncoded(connection)
                    flush(connection)
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

    /// Drops a session from memory (its final state is with the writer).
    func forget(_ live: LiveSession, of user: UserState) {
        parkScore(of: live)
        user.sessions[live.id] = nil
        stats.add(.sessionsLive, -1)
        user.statsDirty = true
    }

    private func saveBaseline(of user: UserState) {
        guard let services else { return }
        let record = BaselineRecord(userId: user.userId, updatedAtMs: wallClockMs(), bytes: user.coach.baseline.encode())
        if services.writer.enqueue(.baseline(record)) {
            user.baselineDirty = false
            user.lastBaselineSaveMono = nowMs
        }
    }

    /// Graceful shutdown: every session's latest state goes to the writer (not ended —
    /// clients resume after the restart), with the baselines.
    func checkpointEverything() {
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
