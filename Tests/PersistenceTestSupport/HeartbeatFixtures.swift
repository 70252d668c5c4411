public import CoachingCore

/// Heartbeats for tests that need a user to have rows in every table.
public enum HeartbeatFixtures {
    /// Stores two heartbeats a minute apart at `atMs` (one minute of UTC-day time) and a
    /// keystroke timeout setting for `userId`.
    public static func store(into store: any Store, userId: String, atMs: Int64) throws {
        try store.setHeartbeatTimeoutMs(600_000, userId: userId)
        let beats = [HeartbeatRecord(timeMs: atMs, entity: "/a.swift", language: "swift"),
                     HeartbeatRecord(timeMs: atMs + 60_000, entity: "/a.swift", language: "swift")]
        let day = LocalTimeText.utcDay(atMs: atMs)
        _ = try store.ingestHeartbeats(HeartbeatIngest(
            userId: userId, heartbeats: beats, receivedAtMs: atMs, loadFromMs: atMs - 86_400_000, loadToMs: atMs + 86_400_000,
            days: [day]
        ) { stored, spans in
            HeartbeatDurations.days(of: stored, timeoutMs: 600_000, covered: spans) { _ in 0 }
        })
    }
}

private enum LocalTimeText {
    static func utcDay(atMs: Int64) -> String { PeriodKeys(utcMs: atMs).day }
}
