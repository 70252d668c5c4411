import LoopKit

/// Reconnect storms: editor sessions the server dropped, followed until each is back, so a
/// run can say how long a server restart took to resume everyone, and what the round trips
/// were meanwhile. A session the soak dropped itself (churn) is not part of a storm.
extension SoakLoop {
    /// The server dropped `connection` while its session was underway.
    func sessionLost(_ connection: SoakConnection) {
        guard let editor = connection.editor, editor.stage != .ended, !connection.awaitingResume else { return }
        connection.awaitingResume = true
        counters.awaitingResume += 1
        if currentStorm == nil { currentStorm = ResumeStorm(firstLostWallMs: WallClock.nowMs()) }
        currentStorm?.sessionsLost += 1
    }

    /// A `session.started` came back on a new connection: the session is back.
    func sessionBack(_ connection: SoakConnection) {
        guard connection.awaitingResume else { return }
        connection.awaitingResume = false
        counters.awaitingResume -= 1
        currentStorm?.sessionsBack += 1
        currentStorm?.lastBackWallMs = WallClock.nowMs()
        if counters.awaitingResume == 0, let storm = currentStorm {
            stormShares.append(storm)
            currentStorm = nil
            stormTailUntilNs = nowNs + UInt64(configuration.intervalMs) * 1_000_000
        }
    }

    /// Round trips answered during a storm and for one activity interval after it (when the
    /// resumed sessions send their first windows) also count as the storm's.
    var stormLatencyActive: Bool { counters.awaitingResume > 0 || nowNs < stormTailUntilNs }
}
