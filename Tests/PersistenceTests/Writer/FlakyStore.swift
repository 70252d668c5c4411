import Foundation
import CoachingCore
import Persistence
import Synchronization

/// A `Store` that forwards to a real SQLite store but fails the first `failures` calls of
/// `writeBatch` with `error` (a database outage), counting every call.
final class FlakyStore: Store, Sendable {
    let inner: SQLiteStore
    let error: StoreError
    private let remainingFailures: Atomic<Int>
    let writeCalls = Atomic<Int>(0)

    init(_ inner: SQLiteStore, failures: Int, error: StoreError = .unavailable(code: 10, message: "injected outage")) {
        self.inner = inner
        self.error = error
        remainingFailures = Atomic(failures)
    }

    func writeBatch(_ checkpoints: [SessionCheckpoint], baselines: [BaselineRecord]) throws(StoreError) -> BatchSummary {
        writeCalls.add(1, ordering: .relaxed)
        if remainingFailures.load(ordering: .relaxed) > 0 {
            remainingFailures.subtract(1, ordering: .relaxed)
            throw error
        }
        return try inner.writeBatch(checkpoints, baselines: baselines)
    }

    func ingestHeartbeats(_ ingest: HeartbeatIngest) throws(StoreError) -> HeartbeatIngestResult { try inner.ingestHeartbeats(ingest) }
    func heartbeats(userId: String, fromMs: Int64, toMs: Int64) throws(StoreError) -> [HeartbeatRecord] {
        try inner.heartbeats(userId: userId, fromMs: fromMs, toMs: toMs)
    }
    func sessionSpans(userId: String, fromMs: Int64, toMs: Int64) throws(StoreError) -> [TimeSpan] {
        try inner.sessionSpans(userId: userId, fromMs: fromMs, toMs: toMs)
    }
    func heartbeatTimeoutMs(userId: String) throws(StoreError) -> Int64? { try inner.heartbeatTimeoutMs(userId: userId) }
    func goal(userId: String) throws(StoreError) -> UserGoal? { try inner.goal(userId: userId) }
    func setGoal(_ goal: UserGoal?, userId: String) throws(StoreError) { try inner.setGoal(goal, userId: userId) }
    func claimGoalReached(userId: String, period: String, goal: String, atMs: Int64) throws(StoreError) -> Bool {
        try inner.claimGoalReached(userId: userId, period: period, goal: goal, atMs: atMs)
    }
    func goalsReached(userId: String, periods: [String]) throws(StoreError) -> Set<String> {
        try inner.goalsReached(userId: userId, periods: periods)
    }
    func setHeartbeatTimeoutMs(_ timeoutMs: Int64?, userId: String) throws(StoreError) {
        try inner.setHeartbeatTimeoutMs(timeoutMs, userId: userId)
    }
    func migrate() throws(StoreError) -> MigrationReport { try inner.migrate() }
    func createUser(_ user: User) throws(StoreError) { try inner.createUser(user) }
    func user(id: String) throws(StoreError) -> User? { try inner.user(id: id) }
    func user(named name: String) throws(StoreError) -> User? { try inner.user(named: name) }
    func users() throws(StoreError) -> [User] { try inner.users() }
    func createToken(_ token: TokenRecord) throws(StoreError) { try inner.createToken(token) }
    func token(id: String) throws(StoreError) -> TokenRecord? { try inner.token(id: id) }
    func token(secretHash: [UInt8]) throws(StoreError) -> TokenRecord? { try inner.token(secretHash: secretHash) }
    func tokens(userId: String?) throws(StoreError) -> [TokenRecord] { try inner.tokens(userId: userId) }
    func revokeToken(id: String, atMs: Int64) throws(StoreError) -> Bool { try inner.revokeToken(id: id, atMs: atMs) }
    func revokedTokenIds(sinceMs: Int64) throws(StoreError) -> [String] { try inner.revokedTokenIds(sinceMs: sinceMs) }
    func goalChanges(sinceMs: Int64) throws(StoreError) -> [GoalChange] { try inner.goalChanges(sinceMs: sinceMs) }
    func reachedGoalPeriods(userId: String) throws(StoreError) -> [GoalReachedRecord] { try inner.reachedGoalPeriods(userId: userId) }
    func createTeam(_ team: Team) throws(StoreError) { try inner.createTeam(team) }
    func team(id: String) throws(StoreError) -> Team? { try inner.team(id: id) }
    func team(named name: String) throws(StoreError) -> Team? { try inner.team(named: name) }
    func teams() throws(StoreError) -> [Team] { try inner.teams() }
    func setMembership(_ membership: TeamMembership) throws(StoreError) { try inner.setMembership(membership) }
    func removeMembership(teamId: String, userId: String) throws(StoreError) -> Bool {
        try inner.removeMembership(teamId: teamId, userId: userId)
    }
    func memberships(teamId: String) throws(StoreError) -> [TeamMembership] { try inner.memberships(teamId: teamId) }
    func memberships(userId: String) throws(StoreError) -> [TeamMembership] { try inner.memberships(userId: userId) }
    func privacySettings(userId: String) throws(StoreError) -> PrivacySettings { try inner.privacySettings(userId: userId) }
    func allPrivacySettings() throws(StoreError) -> [String: PrivacySettings] { try inner.allPrivacySettings() }
    func setPrivacySettings(_ settings: PrivacySettings, userId: String, atMs: Int64) throws(StoreError) {
        try inner.setPrivacySettings(settings, userId: userId, atMs: atMs)
    }
    func claimSession(id: String, userId: String, startedAtMs: Int64, project: String?) throws(StoreError) -> SessionClaim {
        try inner.claimSession(id: id, userId: userId, startedAtMs: startedAtMs, project: project)
    }
    func session(id: String) throws(StoreError) -> StoredSession? { try inner.session(id: id) }
    func sessions(userId: String, fromMs: Int64, toMs: Int64, limit: Int) throws(StoreError) -> [StoredSession] {
        try inner.sessions(userId: userId, fromMs: fromMs, toMs: toMs, limit: limit)
    }
    func baseline(userId: String) throws(StoreError) -> BaselineRecord? { try inner.baseline(userId: userId) }
    func dailyAggregates(fromDay: String, userId: String?) throws(StoreError) -> [UserDayTotals] {
        try inner.dailyAggregates(fromDay: fromDay, userId: userId)
    }
    func activeDays(userId: String, throughDay: String, minimumActiveMs: Int64, limit: Int) throws(StoreError) -> [String] {
        try inner.activeDays(userId: userId, throughDay: throughDay, minimumActiveMs: minimumActiveMs, limit: limit)
    }
    func exportUser(id: String) throws(StoreError) -> UserExport? { try inner.exportUser(id: id) }
    func purgeUser(id: String, deleteAccount: Bool) throws(StoreError) -> PurgeSummary {
        try inner.purgeUser(id: id, deleteAccount: deleteAccount)
    }
}

/// Collects durable acks from the writer thread.
final class AckCollector: Sendable {
    private let acks = Mutex<[DurableAck]>([])

    func append(_ batch: [DurableAck]) { acks.withLock { $0.append(contentsOf: batch) } }
    var all: [DurableAck] { acks.withLock { $0 } }
}
