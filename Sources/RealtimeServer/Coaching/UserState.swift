import CoachingCore
import FlowEngine
import Foundation

/// Everything the server keeps for one user with live connections or sessions, on the
/// user's home loop: the FlowEngine coach (baseline, breaks, daily ledger) shared by all
/// the user's sessions, the sessions, the user's sockets on this loop and what `stats:me`
/// shows. Owned by the home loop's thread; no locks.
final class UserState {
    let userId: String
    var user: User
    var coach: UserCoach
    var privacy: PrivacySettings
    var teamIds: Set<String>
    var sessions: [SessionID: LiveSession] = [:]
    /// Tokens of the user's authenticated connections on this loop.
    var connections: [UInt64] = []
    /// The user's UTC offset, refreshed from their time zone now and then (not per message).
    var utcOffsetMs: Int64
    var offsetRefreshDueMono: Int64
    /// Stored per-day totals loaded when this state was created (base of `stats:me`).
    var storedDays: [UserDayTotals]
    /// Baseline changed since it was last handed to the writer.
    var baselineDirty = false
    var lastBaselineSaveMono: Int64
    /// `stats:me` changed since it was last published.
    var statsDirty = true
    /// Hash of the last `stats:me` payload sent (events only when it changed).
    var lastStatsDigest = 0
    var lastStatsPublishMono: Int64 = -1_000_000_000  // "long ago" without overflow
    /// Sessions of this user ended so far (the last one's `LiveSession.endOrder`).
    var sessionsEnded: UInt64 = 0

    init(authenticated: AuthenticatedUser, configuration: FlowEngineConfiguration, nowMono: Int64, wallMs: Int64) {
        userId = authenticated.user.id
        user = authenticated.user
        var baseline = UserBaseline()
        if let stored = authenticated.profile.baseline, let decoded = UserBaseline(bytes: stored.bytes) {
            baseline = decoded
        }
        coach = UserCoach(configuration: configuration, baseline: baseline)
        privacy = authenticated.profile.privacy
        teamIds = Set(authenticated.profile.memberships.map(\.teamId))
        storedDays = authenticated.profile.recentDays
        utcOffsetMs = UserTime.offsetMs(timeZone: authenticated.user.timeZone, atMs: wallMs)
        offsetRefreshDueMono = nowMono + UserTime.refreshIntervalMs
        lastBaselineSaveMono = nowMono
    }

    /// Live sessions that have not ended (the per-user limit counts these).
    var openSessionCount: Int { sessions.values.reduce(0) { $0 + ($1.ended ? 0 : 1) } }

    /// Nothing left to keep: no connection and no session.
    var isIdle: Bool { connections.isEmpty && sessions.isEmpty }
}

/// Time-zone arithmetic kept off the hot path (Foundation's `TimeZone` is consulted when
/// a user's state is created and every `refreshIntervalMs`, never per message).
enum UserTime {
    static let refreshIntervalMs: Int64 = 15 * 60_000

    /// The UTC offset of `timeZone` (IANA name) at `atMs`; 0 for an unknown zone.
    static func offsetMs(timeZone: String, atMs: Int64) -> Int64 {
        guard let zone = TimeZone(identifier: timeZone) else { return 0 }
        let date = Date(timeIntervalSince1970: Double(atMs) / 1_000)
        return Int64(zone.secondsFromGMT(for: date)) * 1_000
    }
}
