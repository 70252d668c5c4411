public import CoachingCore

/// What the router needs besides the request. Built per request by the shell.
public struct APIContext: Sendable {
    /// The store, used only on the calling thread (a store reader thread; never an event
    /// loop).
    public var store: any Store
    /// The leaderboard owner; nil when leaderboards are off (their endpoints answer 503).
    public var leaderboards: LeaderboardOwner?
    /// Wall-clock milliseconds since the epoch ("today" for day windows and insights).
    public var nowMs: Int64
    /// Called after `DELETE /v1/privacy/data` purged the store: must drop the user's live
    /// state (sessions, caches, `stats:me`, team boards) on every loop. The router itself
    /// posts `.purge` to ``leaderboards``.
    public var purgeLiveState: @Sendable (String) -> Void
    /// Called after heartbeats changed a user's stored days, with the time they added per
    /// day (may be negative when a recount found less): the user's home loop adds it to
    /// the days `stats:me` is built from. The router itself posts the leaderboard deltas.
    public var storedDaysChanged: @Sendable (_ userId: String, _ added: [UserDayTotals]) -> Void

    public init(
        store: any Store, leaderboards: LeaderboardOwner?, nowMs: Int64,
        storedDaysChanged: @escaping @Sendable (String, [UserDayTotals]) -> Void = { _, _ in },
        purgeLiveState: @escaping @Sendable (String) -> Void
    ) {
        self.store = store
        self.leaderboards = leaderboards
        self.nowMs = nowMs
        self.storedDaysChanged = storedDaysChanged
        self.purgeLiveState = purgeLiveState
    }
}
