import CoachingCore
import Foundation
import TestSupport
import Testing

@testable import RealtimeServer

/// The router's contract over arbitrary targets ("fuzz to a contract", STYLE.md): every
/// request gets a documented status, a JSON body, and for an error the one code that
/// status maps to; a purge happens only for exactly `DELETE /v1/privacy/data`.
struct APIRouterContractTests {
    static let codeByStatus = [
        400: "invalid_field", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    ]

    /// Paths (real ones and near misses), parameter names and values that reach deep into
    /// the grammar; targets are built from them and then mutated at random.
    static let paths = [
        "/v1/me", "/v1/sessions", "/v1/insights", "/v1/days", "/v1/reports/week", "/v1/reports/month", "/v1/teams/7ea00000-0000-4000-8000-000000000007/analytics",
        "/v1/teams/x/analytics", "/v1/teams/7ea00000-0000-4000-8000-000000000007/wellbeing", "/v1/leaderboards/day/flow_time", "/v1/leaderboards/month/coding_time",
        "/v1/privacy/export", "/v1/privacy/data", "/v1/me/", "/v1/sessionz", "/v1/leaderboards/year/flow_time", "/v2/me",
    ]
    static let names = ["from", "to", "limit", "before", "days", "language", "week", "x", "", "%66rom", "LIMIT"]
    static let values = [
        "2026-11-22", "2026-11-01", "2026-02-30", "%", "%2F", "%00", "%C3%A9", "%FF", "+", "-1", "0", "7", "50", "201",
        "'", "\"", ";", "..", "MTp4", "swift", "c++", "2026-W47", "2026-W54", "", "%ZZ", "é", "99999999999999999999",
    ]

    @Test("random targets get a documented status and a JSON body whose code matches it")
    func randomTargets() throws {
        let world = try APITestWorld()
        try world.session(world.ada, start: "2026-11-21T08:00:00Z", day: "2026-11-21")
        let owner = LeaderboardOwner(nowMs: { APITestWorld.nowMs }, sink: { _ in })
        var generator = SeededGenerator(seed: 0xF10C0AC4)
        var statuses: [Int: Int] = [:]
        for _ in 0..<3_000 {
            var target = Self.paths[generator.int(0...(Self.paths.count - 1))]
            let parameters = generator.int(0...3)
            if parameters > 0 || generator.chance(0.1) { target += "?" }
            for index in 0..<parameters {
                if index > 0 { target += "&" }
                target += Self.names[generator.int(0...(Self.names.count - 1))]
                if generator.chance(0.95) { target += "=" + Self.values[generator.int(0...(Self.values.count - 1))] }
            }
            if generator.chance(0.2) {
                // Mutate: one byte replaced by any printable ASCII.
                var bytes = Array(target.utf8)
                bytes[generator.int(0...(bytes.count - 1))] = UInt8(generator.int(0x20...0x7E))
                target = String(decoding: bytes, as: UTF8.self)
            }
            let method = ["GET", "GET", "GET", "DELETE", "POST"][generator.int(0...4)]
            let token: String? = generator.chance(0.9) ? world.token(world.ada, generator.chance(0.5) ? .read : .ingest) : nil
            let response = world.call(method, target, token: token, leaderboards: owner)
            statuses[response.status, default: 0] += 1
            #expect([200, 400, 401, 403, 404, 405].contains(response.status), "\(method) \(target)")
            let body = try #require(
                (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any], "\(method) \(target)")
            if let code = Self.codeByStatus[response.status] {
                #expect((body["error"] as? [String: Any])?["code"] as? String == code, "\(method) \(target)")
            }
            if response.status == 200 && method == "DELETE" {
                #expect(target.hasPrefix("/v1/privacy/data"), "\(target)")
            }
        }
        // The mix reached past routing into every kind of answer.
        for status in [200, 400, 401, 403, 404, 405] { #expect(statuses[status, default: 0] > 0, "no \(status) in \(statuses)") }
        // Purges only ever came from DELETE /v1/privacy/data answered 200.
        #expect(world.purges.userIds.allSatisfy { $0 == world.ada.id })
    }
}
