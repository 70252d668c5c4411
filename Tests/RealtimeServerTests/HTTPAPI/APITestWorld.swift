import CoachingCore
import Persistence
import Foundation
import Synchronization
import WSProtocol

@testable import RealtimeServer
import PersistenceTestSupport

/// A real SQLite store in a temporary file with three users, their tokens and one team,
/// plus helpers to call the router and read its JSON.
///
/// - ada (Europe/Berlin) and bob (UTC) are in team `core`; ada consented, bob did not;
///   carol (America/New_York) is in the team and consented; eve (UTC) is in no team.
/// - every user has an ingest and a read token; ada also has a revoked one.
final class APITestWorld {
    /// 2026-11-22T12:00:00Z, a Sunday.
    static let nowMs = APITestWorld.ms("2026-11-22T12:00:00Z")

    let database: TemporaryDatabase
    let store: SQLiteStore
    let ada: User
    let bob: User
    let carol: User
    let eve: User
    let team: Team
    let tokens: [String: String]
    let revokedAdaToken: String
    /// User ids passed to `purgeLiveState`, in order.
    let purges = PurgeRecorder()

    init() throws {
        database = TemporaryDatabase()
        store = try database.store()
        ada = User(id: "a0000000-0000-4000-8000-000000000001", name: "ada", displayName: "Ada", timeZone: "Europe/Berlin", createdAtMs: 1)
        bob = User(id: "b0000000-0000-4000-8000-000000000002", name: "bob", displayName: "Bob", timeZone: "UTC", createdAtMs: 1)
        carol = User(id: "c0000000-0000-4000-8000-000000000003", name: "carol", displayName: "Carol", timeZone: "America/New_York", createdAtMs: 1)
        eve = User(id: "e0000000-0000-4000-8000-000000000005", name: "eve", displayName: "Eve", timeZone: "UTC", createdAtMs: 1)
        team = Team(id: "7ea00000-0000-4000-8000-000000000007", name: "core", createdAtMs: 1)
        var tokens: [String: String] = [:]
        for user in [ada, bob, carol, eve] {
            try store.createUser(user)
            for scope in TokenScope.allCases {
                let token = AccessToken.generate(scope: scope)
                try store.createToken(TokenRecord(id: token.id, userId: user.id, scope: scope, secretHash: token.secretHash, createdAtMs: 2))
                tokens["\(user.name).\(scope.rawValue)"] = token.text
            }
        }
        let revoked = AccessToken.generate(scope: .read)
        try store.createToken(TokenRecord(id: revoked.id, userId: ada.id, scope: .read, secretHash: revoked.secretHash, createdAtMs: 2))
        _ = try store.revokeToken(id: revoked.id, atMs: 3)
        revokedAdaToken = revoked.text
        self.tokens = tokens
        try store.createTeam(team)
        try store.setMembership(TeamMembership(teamId: team.id, userId: ada.id, dataSharingConsent: true, joinedAtMs: 4))
        try store.setMembership(TeamMembership(teamId: team.id, userId: bob.id, dataSharingConsent: false, joinedAtMs: 4))
        try store.setMembership(TeamMembership(teamId: team.id, userId: carol.id, dataSharingConsent: true, joinedAtMs: 4))
    }

    func token(_ user: User, _ scope: TokenScope = .read) -> String {
        tokens["\(user.name).\(scope.rawValue)"] ?? ""
    }

    func context(leaderboards: LeaderboardOwner? = nil, nowMs: Int64 = APITestWorld.nowMs) -> APIContext {
        let purges = purges
        return APIContext(store: store, leaderboards: leaderboards, nowMs: nowMs, purgeLiveState: { userId in
            purges.record(userId)
        })
    }

    func call(
        _ method: String, _ target: String, token: String?, leaderboards: LeaderboardOwner? = nil, body: [UInt8] = []
    ) -> APIResponse {
        APIRouter.handle(APIRequest(method: method, target: target, bearerToken: token, body: body), context: context(leaderboards: leaderboards))
    }

    func get(_ target: String, as user: User, scope: TokenScope = .read, leaderboards: LeaderboardOwner? = nil) -> APIResponse {
        call("GET", target, token: token(user, scope), leaderboards: leaderboards)
    }

    // MARK: Data

    /// Stores one ended session of `user` starting at `start` (ISO 8601, UTC), with flow
    /// periods given as (minutes after the start, minutes long).
    @discardableResult
    func session(
        _ user: User, start: String, minutes: Int64 = 60, day: String, flowPeriods: [(Int64, Int64)] = [],
        focus: Double = 0.5, interruptions: Int64 = 0, meanRecoveryMs: Int64 = 0, project: String? = "flowcoach",
        id: String = UUID().uuidString.lowercased(), extraDays: [SessionDayTotals] = []
    ) throws -> SessionCheckpoint {
        let startMs = Self.ms(start)
        let periods = flowPeriods.map { offset, length in
            FlowPeriodRecord(startMs: startMs + offset * 60_000, endMs: startMs + (offset + length) * 60_000, meanIntensity: 0.625, peakIntensity: 0.875)
        }
        let flowMs = flowPeriods.reduce(0) { $0 + $1.1 * 60_000 }
        let activeMs = minutes * 60_000
        let checkpoint = SessionCheckpoint(
            sessionId: id, userId: user.id, seq: 10, startedAtMs: startMs, lastAtMs: startMs + activeMs, ended: true,
            project: project,
            totals: CheckpointTotals(
                activeMs: activeMs, flowMs: flowMs, keystrokes: 1_000, linesAdded: 40, linesDeleted: 4,
                flowPeriods: Int64(periods.count), interruptions: interruptions, meanRecoveryMs: meanRecoveryMs, focusScore: focus),
            days: [SessionDayTotals(day: day, activeMs: activeMs, flowMs: flowMs, keystrokes: 1_000, linesAdded: 40, linesDeleted: 4, languageMs: ["swift": activeMs])]
                + extraDays,
            completedFlowPeriods: periods)
        try store.writeBatch([checkpoint])
        return checkpoint
    }

    // MARK: Reading answers

    static func ms(_ iso: String) -> Int64 {
        guard let date = ISO8601DateFormatter().date(from: iso) else { return -1 }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func json(_ response: APIResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    /// `error.code` and `error.message` of an error answer.
    static func error(_ response: APIResponse) -> (code: String, message: String) {
        let error = json(response)["error"] as? [String: Any] ?? [:]
        return (error["code"] as? String ?? "", error["message"] as? String ?? "")
    }

    static func int(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }
}

/// Collects `purgeLiveState` calls (the closure must be `Sendable`).
final class PurgeRecorder: Sendable {
    private let calls = Mutex<[String]>([])

    func record(_ userId: String) { calls.withLock { $0.append(userId) } }

    var userIds: [String] { calls.withLock { $0 } }
}

extension APIResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}
