/// One request's heartbeats for `Store.ingestHeartbeats(_:)`: stored and their days
/// recomputed in ONE transaction, so the per-day heartbeat totals never disagree with the
/// stored heartbeats (a crash between the two would otherwise leave a stale day).
public struct HeartbeatIngest: Sendable {
    public var userId: String
    /// The heartbeats to store; duplicates (``HeartbeatRecord/dedupeKey``) are skipped.
    public var heartbeats: [HeartbeatRecord]
    public var receivedAtMs: Int64
    /// The heartbeats and session spans in `[loadFromMs, loadToMs)` are what `recompute`
    /// needs to redo the days the new heartbeats touch (the caller widens the days by the
    /// keystroke timeout on both sides).
    public var loadFromMs: Int64
    public var loadToMs: Int64
    /// The local days (`YYYY-MM-DD`) whose totals are replaced by `recompute`'s result.
    public var days: Set<String>
    /// The duration rule: stored heartbeats (sorted by time) and the user's session spans
    /// in the load window → per-day totals. Run inside the transaction.
    public var recompute: @Sendable (_ heartbeats: [HeartbeatRecord], _ sessions: [TimeSpan]) -> [HeartbeatDayTotals]

    public init(
        userId: String, heartbeats: [HeartbeatRecord], receivedAtMs: Int64, loadFromMs: Int64, loadToMs: Int64,
        days: Set<String>, recompute: @escaping @Sendable ([HeartbeatRecord], [TimeSpan]) -> [HeartbeatDayTotals]
    ) {
        self.userId = userId
        self.heartbeats = heartbeats
        self.receivedAtMs = receivedAtMs
        self.loadFromMs = loadFromMs
        self.loadToMs = loadToMs
        self.days = days
        self.recompute = recompute
    }
}

/// What `Store.ingestHeartbeats(_:)` did.
public struct HeartbeatIngestResult: Sendable, Hashable {
    /// Per input heartbeat, in order: `true` when stored, `false` when it was a duplicate.
    public var stored: [Bool]
    /// The replaced days' stored heartbeat time (active ms and languages) before and after.
    public var before: [String: DayTime]
    public var after: [String: DayTime]

    public init(stored: [Bool], before: [String: DayTime], after: [String: DayTime]) {
        self.stored = stored
        self.before = before
        self.after = after
    }

    /// Active time and its languages on one day.
    public struct DayTime: Sendable, Hashable {
        public var activeMs: Int64
        public var languageMs: [String: Int64]

        public init(activeMs: Int64, languageMs: [String: Int64]) {
            self.activeMs = activeMs
            self.languageMs = languageMs
        }
    }
}
