import CoachingCore
import Persistence
import PersistenceTestSupport
import Foundation
import Synchronization
import Testing

@testable import RealtimeServer

/// `GET /v1/privacy/export` and `DELETE /v1/privacy/data`.
struct PrivacyEndpointsTests {
    /// ada with a row in every user table (bob likewise, as the bystander).
    private func populate(_ world: APITestWorld) throws -> [SessionCheckpoint] {
        var sessions: [SessionCheckpoint] = []
        for user in [world.ada, world.bob] {
            sessions.append(try world.session(
                user, start: "2026-11-20T08:00:00Z", day: "2026-11-20", flowPeriods: [(5, 20), (40, 15)], focus: 0.625,
                interruptions: 2, meanRecoveryMs: 45_000,
                extraDays: [SessionDayTotals(day: "2026-11-21", activeMs: 1_000, flowMs: 0, languageMs: ["c++": 1_000])]))
            let second = try world.session(user, start: "2026-11-21T08:00:00Z", day: "2026-11-21", project: nil)
            sessions.append(second)
            // A break reminder, stored by a later checkpoint at the same seq (as a live one is).
            var marked = second
            marked.completedMarks = [SessionMarkRecord(kind: .breakReminder, startMs: second.startedAtMs + 60_000, endMs: second.startedAtMs + 60_000)]
            try world.store.writeBatch([marked])
            try world.store.writeBatch([], baselines: [BaselineRecord(userId: user.id, updatedAtMs: 9, bytes: [0, 1, 2, 250, 255])])
            try world.store.setPrivacySettings(PrivacySettings(leaderboardVisible: false, shareProjectNames: true), userId: user.id, atMs: 5)
            // 2026-11-19T08:00:00Z: a heartbeat-only day before the sessions' days.
            try HeartbeatFixtures.store(into: world.store, userId: user.id, atMs: 1_795_075_200_000)
            try world.store.setGoal(UserGoal(period: .week, metric: .active, targetMs: 36_000_000), userId: user.id)
            _ = try world.store.claimGoalReached(userId: user.id, period: "2026-W47", atMs: 6)
        }
        return sessions.filter { $0.userId == world.ada.id }
    }

    /// Reads the export document back into the store's record type.
    private func decodeExport(_ json: [String: Any]) throws -> UserExport {
        func int(_ object: [String: Any], _ key: String) throws -> Int64 { try #require(APITestWorld.int(object[key]), "\(key)") }
        func double(_ object: [String: Any], _ key: String) throws -> Double { try #require((object[key] as? NSNumber)?.doubleValue, "\(key)") }
        func languages(_ value: Any?) throws -> [String: Int64] {
            try #require(value as? [String: NSNumber]).mapValues(\.int64Value)
        }
        let user = try #require(json["user"] as? [String: Any])
        let privacy = try #require(json["privacy"] as? [String: Any])
        let tokens = try #require(json["tokens"] as? [[String: Any]]).map { token in
            UserExport.TokenInfo(
                id: token["id"] as? String ?? "", scope: TokenScope(rawValue: token["scope"] as? String ?? "") ?? .read,
                createdAtMs: try int(token, "created_at_ms"), revokedAtMs: APITestWorld.int(token["revoked_at_ms"]))
        }
        let userId = user["id"] as? String ?? ""
        let teams = try #require(json["teams"] as? [[String: Any]]).map { team in
            TeamMembership(
                teamId: team["team_id"] as? String ?? "", userId: userId, dataSharingConsent: team["data_sharing_consent"] as? Bool ?? false,
                joinedAtMs: try int(team, "joined_at_ms"))
        }
        let sessions = try #require(json["sessions"] as? [[String: Any]]).map { session in
            let days = try #require(session["days"] as? [[String: Any]]).map { day in
                SessionDayTotals(
                    day: day["day"] as? String ?? "", activeMs: try int(day, "active_ms"), flowMs: try int(day, "flow_ms"),
                    keystrokes: try int(day, "keystrokes"), linesAdded: try int(day, "lines_added"), linesDeleted: try int(day, "lines_deleted"),
                    languageMs: try languages(day["languages"]))
            }
            let periods = try #require(session["periods"] as? [[String: Any]]).map { period in
                FlowPeriodRecord(
                    startMs: try int(period, "start_ms"), endMs: try int(period, "end_ms"),
                    meanIntensity: try double(period, "mean_intensity"), peakIntensity: try double(period, "peak_intensity"))
            }
            let totals = CheckpointTotals(
                activeMs: try int(session, "active_ms"), flowMs: try int(session, "flow_ms"), keystrokes: try int(session, "keystrokes"),
                linesAdded: try int(session, "lines_added"), linesDeleted: try int(session, "lines_deleted"),
                flowPeriods: try int(session, "flow_periods"), interruptions: try int(session, "interruptions"),
                meanRecoveryMs: try int(session, "mean_recovery_ms"), focusScore: try double(session, "focus_score"))
            return StoredSession(
                checkpoint: SessionCheckpoint(
                    sessionId: session["id"] as? String ?? "", userId: userId, seq: try int(session, "seq"),
                    startedAtMs: try int(session, "started_at_ms"), lastAtMs: try int(session, "last_at_ms"),
                    ended: session["ended"] as? Bool ?? false, project: session["project"] as? String, totals: totals, days: days),
                flowPeriods: periods,
                marks: try #require(session["marks"] as? [[String: Any]]).map { mark in
                    SessionMarkRecord(
                        kind: try #require(SessionMarkKind(rawValue: mark["kind"] as? String ?? "")),
                        startMs: try int(mark, "start_ms"), endMs: try int(mark, "end_ms"))
                })
        }
        let daily = try #require(json["daily"] as? [[String: Any]]).map { day in
            UserDayTotals(
                userId: userId, day: day["day"] as? String ?? "", activeMs: try int(day, "active_ms"), flowMs: try int(day, "flow_ms"),
                keystrokes: try int(day, "keystrokes"), linesAdded: try int(day, "lines_added"), linesDeleted: try int(day, "lines_deleted"),
                sessions: try int(day, "sessions"), languageMs: try languages(day["languages"]))
        }
        var baseline: BaselineRecord?
        if let stored = json["baseline"] as? [String: Any] {
            let bytes = try #require(Data(base64Encoded: stored["bytes_base64"] as? String ?? ""))
            baseline = BaselineRecord(userId: userId, updatedAtMs: try int(stored, "updated_at_ms"), bytes: Array(bytes))
        }
        return UserExport(
            user: User(
                id: userId, name: user["name"] as? String ?? "", displayName: user["display_name"] as? String ?? "",
                timeZone: user["time_zone"] as? String ?? "", createdAtMs: try int(user, "created_at_ms")),
            privacy: PrivacySettings(
                leaderboardVisible: privacy["leaderboard_visible"] as? Bool ?? true, shareProjectNames: privacy["share_project_names"] as? Bool ?? false),
            tokens: tokens, teams: teams, sessions: sessions, daily: daily, baseline: baseline)
    }

    @Test("the export is one JSON document that reads back into exactly what the store holds")
    func exportRoundTrip() throws {
        let world = try APITestWorld()
        let sessions = try populate(world)
        let response = world.get("/v1/privacy/export", as: world.ada, scope: .ingest)
        #expect(response.status == 200)
        #expect(response.header("Content-Disposition") == #"attachment; filename="flowcoach-export-ada.json""#)
        let json = APITestWorld.json(response)
        #expect(json["format"] as? String == "flowcoach.export.v1")
        #expect(APITestWorld.int(json["exported_at_ms"]) == APITestWorld.nowMs)
        let decoded = try decodeExport(json)
        let stored = try #require(try world.store.exportUser(id: world.ada.id))
        #expect(decoded == stored)
        #expect(Set(decoded.sessions.map(\.checkpoint.sessionId)) == Set(sessions.map(\.sessionId)))
        #expect(decoded.sessions.flatMap(\.flowPeriods).count == 2)
        #expect(decoded.tokens.count == 3 && decoded.tokens.contains { $0.revokedAtMs != nil })
        #expect(decoded.baseline?.bytes == [0, 1, 2, 250, 255])
        // The goal and the periods it was reached in.
        #expect((json["goal"] as? [String: Any])?["period"] as? String == "week")
        let reached = try #require(json["goals_reached"] as? [[String: Any]])
        #expect(reached.map { $0["period"] as? String } == ["2026-W47"])
        #expect(reached.first.flatMap { APITestWorld.int($0["reached_at_ms"]) } == 6)
        // Nothing of anyone else, and never a token secret or hash.
        #expect(!response.text.contains(world.bob.id))
        #expect(!response.text.contains("hash"))
        for (_, token) in world.tokens { #expect(!response.text.contains(String(token.suffix(40)))) }
    }

    @Test("the download file name keeps only safe characters of the user name")
    func exportFileName() throws {
        let world = try APITestWorld()
        let odd = User(id: "0dd00000-0000-4000-8000-000000000010", name: "R\"ob\r\nX: y/../é", displayName: "x", timeZone: "UTC", createdAtMs: 1)
        try world.store.createUser(odd)
        let token = AccessToken.generate(scope: .read)
        try world.store.createToken(TokenRecord(id: token.id, userId: odd.id, scope: .read, secretHash: token.secretHash, createdAtMs: 1))
        let response = world.call("GET", "/v1/privacy/export", token: token.text)
        #expect(response.status == 200)
        #expect(response.header("Content-Disposition") == #"attachment; filename="flowcoach-export-RobXy...json""#)
        #expect(PrivacyEndpoints.filenameSafe("..", fallback: "abc-1") == "abc-1")
        #expect(PrivacyEndpoints.filenameSafe("", fallback: "\"") == "user")
        // The stored name comes back verbatim in the JSON body.
        #expect((APITestWorld.json(response)["user"] as? [String: Any])?["name"] as? String == odd.name)
    }

    @Test("purge deletes the user's rows in every table, keeps the account, calls purgeLiveState, spares others")
    func purge() throws {
        let world = try APITestWorld()
        _ = try populate(world)
        var before: [String: Int] = [:]
        for (table, column) in SQLiteStore.userTables {
            before[table] = try world.store.countRows(table: table, column: column, value: world.ada.id)
            #expect(before[table, default: 0] > 0, "ada has no \(table) row to purge")
        }
        var bystander: [String: Int] = [:]
        for (table, column) in SQLiteStore.userTables {
            bystander[table] = try world.store.countRows(table: table, column: column, value: world.bob.id)
        }
        let boards = LeaderboardEndpointTests.Boards()
        boards.score(world.ada, coding: 60_000, flow: 60_000)
        boards.score(world.bob, coding: 30_000, flow: 30_000)
        boards.publish()

        let response = world.call("DELETE", "/v1/privacy/data", token: world.token(world.ada, .ingest), leaderboards: boards.owner)
        #expect(response.status == 200)
        let body = APITestWorld.json(response)
        let deleted = try #require(body["deleted"] as? [String: NSNumber]).mapValues(\.intValue)
        #expect(body["account_kept"] as? Bool == true)
        for (table, column) in SQLiteStore.userTables {
            let remaining = try world.store.countRows(table: table, column: column, value: world.ada.id)
            if table == "users" || table == "tokens" {
                #expect(remaining == before[table], "\(table) must survive")
                #expect(deleted[table] == nil)
            } else {
                #expect(remaining == 0, "\(table) still holds ada's rows")
                #expect(deleted[table] == before[table], "\(table) count")
            }
            #expect(try world.store.countRows(table: table, column: column, value: world.bob.id) == bystander[table], "bob lost \(table) rows")
        }
        #expect(APITestWorld.int(body["total"]) == Int64(deleted.values.reduce(0, +)))
        #expect(world.purges.userIds == [world.ada.id])

        // The leaderboards forget her at the owner's next tick.
        boards.publish()
        let board = world.get("/v1/leaderboards/day/coding_time", as: world.bob, leaderboards: boards.owner)
        #expect(!board.text.contains("Ada"))
        #expect(board.text.contains("Bob"))

        // The account survives: the same token works and finds nothing.
        let history = world.get("/v1/sessions", as: world.ada)
        #expect(history.status == 200)
        #expect((APITestWorld.json(history)["sessions"] as? [Any])?.isEmpty == true)
        let again = world.call("DELETE", "/v1/privacy/data", token: world.token(world.ada, .ingest))
        #expect(APITestWorld.int(APITestWorld.json(again)["total"]) == 0)
        #expect(world.purges.userIds == [world.ada.id, world.ada.id])
    }

    @Test("GET /v1/me shows the account, the token in use, privacy settings and teams")
    func me() throws {
        let world = try APITestWorld()
        try world.store.setPrivacySettings(PrivacySettings(leaderboardVisible: false, shareProjectNames: false), userId: world.bob.id, atMs: 1)
        let response = world.get("/v1/me", as: world.bob, scope: .ingest)
        #expect(response.status == 200)
        let body = APITestWorld.json(response)
        let user = try #require(body["user"] as? [String: Any])
        #expect(user["id"] as? String == world.bob.id && user["name"] as? String == "bob" && user["time_zone"] as? String == "UTC")
        #expect((body["token"] as? [String: Any])?["scope"] as? String == "ingest")
        #expect((body["privacy"] as? [String: Any])?["leaderboard_visible"] as? Bool == false)
        let teams = try #require(body["teams"] as? [[String: Any]])
        #expect(teams.count == 1)
        #expect(teams.first?["name"] as? String == "core" && teams.first?["data_sharing_consent"] as? Bool == false)
        let eve = APITestWorld.json(world.get("/v1/me", as: world.eve))
        #expect((eve["teams"] as? [Any])?.isEmpty == true)
        #expect((eve["privacy"] as? [String: Any])?["leaderboard_visible"] as? Bool == true)
    }
}
