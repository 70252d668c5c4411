import CoachingCore
import Persistence
import Foundation
import Synchronization
import Testing

@testable import RealtimeServer

/// A store failure is a JSON error with one mapping: transient → 503 `unavailable`, anything
/// else → 500 `internal`, never the store's own message; a failed purge changes nothing live.
struct APIStoreFailureTests {
    /// Forwards to a real store; the data reads and the purge fail with `error` while armed.
    final class FailingStore: Store, Sendable {
        let inner: SQLiteStore
        let failure = Mutex<StoreError?>(nil)

        init(_ inner: SQLiteStore) { self.inner = inner }

        private func check() throws(StoreError) {
            if let error = failure.withLock({ $0 }) { throw error }
        }

        func sessions(userId: String, fromMs: Int64, toMs: Int64, limit: Int) throws(StoreError) -> [StoredSession] {
            try check()
            return try inner.sessions(userId: userId, fromMs: fromMs, toMs: toMs, limit: limit)
        }
        func exportUser(id: String) throws(StoreError) -> UserExport? {
            try check()
            return try inner.exportUser(id: id)
        }
        func purgeUser(id: String, deleteAccount: Bool) throws(StoreError) -> PurgeSummary {
            try check()
            return try inner.purgeUser(id: id, deleteAccount: deleteAccount)
        }
        func memberships(userId: String) throws(StoreError) -> [TeamMembership] {
            try check()
            return try inner.memberships(userId: userId)
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
        func privacySettings(userId: String) throws(StoreError) -> PrivacySettings { try inner.privacySettings(userId: userId) }
        func allPrivacySettings() throws(StoreError) -> [String: PrivacySettings] { try inner.allPrivacySettings() }
        func setPrivacySettings(_ settings: PrivacySettings, userId: String, atMs: Int64) throws(StoreError) {
            try inner.setPrivacySettings(settings, userId: userId, atMs: atMs)
        }
        func writeBatch(_ checkpoints: [SessionCheckpoint], baselines: [BaselineRecord]) throws(StoreError) -> BatchSummary {
            try inner.writeBatch(checkpoints, baselines: baselines)
        }
        func claimSession(id: String, userId: String, startedAtMs: Int64, project: String?) throws(StoreError) -> SessionClaim {
            try inner.claimSession(id: id, userId: userId, startedAtMs: startedAtMs, project: project)
        }
        func session(id: String) throws(StoreError) -> StoredSession? { try inner.session(id: id) }
        func baseline(userId: String) throws(StoreError) -> BaselineRecord? { try inner.baseline(userId: userId) }
        func dailyAggregates(fromDay: String, userId: String?) throws(StoreError) -> [UserDayTotals] {
            try inner.dailyAggregates(fromDay: fromDay, userId: userId)
        }
        func activeDays(userId: String, throughDay: String, minimumActiveMs: Int64, limit: Int) throws(StoreError) -> [String] {
            try inner.activeDays(userId: userId, throughDay: throughDay, minimumActiveMs: minimumActiveMs, limit: limit)
        }
    }

    private func call(_ world: APITestWorld, _ store: FailingStore, _ method: String, _ target: String) -> APIResponse {
        let purges = world.purges
        let context = APIContext(store: store, leaderboards: nil, nowMs: APITestWorld.nowMs, purgeLiveState: { purges.record($0) })
        return APIRouter.handle(APIRequest(method: method, target: target, bearerToken: world.token(world.ada, method == "DELETE" ? .ingest : .read)), context: context)
    }

    @Test("a transient store failure is 503 unavailable, a permanent one 500 internal, without store details")
    func mapping() throws {
        let world = try APITestWorld()
        let store = FailingStore(world.store)
        let targets = [("GET", "/v1/sessions"), ("GET", "/v1/insights"), ("GET", "/v1/privacy/export"),
                       ("GET", "/v1/teams/\(world.team.id)/analytics"), ("GET", "/v1/me"), ("DELETE", "/v1/privacy/data")]
        for (method, target) in targets {
            #expect(call(world, store, method, target).status == 200, "\(target) before the failure")
        }
        store.failure.withLock { $0 = .busy(message: "database is locked") }
        for (method, target) in targets {
            let response = call(world, store, method, target)
            #expect(response.status == 503, "\(target)")
            #expect(APITestWorld.error(response).code == "unavailable")
            #expect(!response.text.contains("locked"))
        }
        store.failure.withLock { $0 = .corruptRow(table: "coding_sessions", column: "focus_score") }
        for (method, target) in targets {
            let response = call(world, store, method, target)
            #expect(response.status == 500, "\(target)")
            #expect(APITestWorld.error(response).code == "internal")
            #expect(!response.text.contains("coding_sessions"))
        }
    }

    @Test("a purge the store refused leaves live state and leaderboards alone")
    func failedPurge() throws {
        let world = try APITestWorld()
        try world.session(world.ada, start: "2026-11-21T08:00:00Z", day: "2026-11-21")
        let store = FailingStore(world.store)
        store.failure.withLock { $0 = .unavailable(code: 10, message: "disk I/O error") }
        let response = call(world, store, "DELETE", "/v1/privacy/data")
        #expect(response.status == 503)
        #expect(world.purges.userIds.isEmpty)
        #expect(try world.store.sessions(userId: world.ada.id, fromMs: .min, toMs: .max, limit: 10).count == 1)
    }
}
