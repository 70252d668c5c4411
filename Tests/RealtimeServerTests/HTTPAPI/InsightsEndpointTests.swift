import CoachingCore
import Foundation
import Testing

@testable import RealtimeServer

/// `GET /v1/insights`: peak hours in the user's time zone, typical flow entry time, mean
/// recovery and best day, from the caller's stored sessions only.
struct InsightsEndpointTests {
    /// ada works in Berlin (UTC+1 in November).
    private func populate(_ world: APITestWorld) throws {
        // 09:00 local; flow 09:10–09:40 (30 min in hour 9); entry after 10 min.
        try world.session(world.ada, start: "2026-11-20T08:00:00Z", day: "2026-11-20", flowPeriods: [(10, 30)], interruptions: 2, meanRecoveryMs: 60_000)
        // 09:30 local; flow 09:50–10:30 (10 min in hour 9, 30 in hour 10); entry after 20 min.
        try world.session(world.ada, start: "2026-11-21T08:30:00Z", day: "2026-11-21", flowPeriods: [(20, 40)], interruptions: 1, meanRecoveryMs: 120_000)
        // 07:00 local; flow 07:30–07:40; entry after 30 min.
        try world.session(world.ada, start: "2026-11-22T06:00:00Z", day: "2026-11-22", flowPeriods: [(30, 10)])
        // No flow; interruptions without a recovery time do not count.
        try world.session(world.ada, start: "2026-11-19T10:00:00Z", day: "2026-11-19", interruptions: 3, meanRecoveryMs: 0)
        // Outside a 30-day window: a long flow at 15:00 local.
        try world.session(world.ada, start: "2026-09-01T13:00:00Z", minutes: 300, day: "2026-09-01", flowPeriods: [(0, 240)])
        // Someone else's flow never counts.
        try world.session(world.bob, start: "2026-11-21T12:00:00Z", minutes: 600, day: "2026-11-21", flowPeriods: [(0, 500)], interruptions: 9, meanRecoveryMs: 1)
    }

    @Test("peak hours, flow entry, recovery and best day over the last 30 days")
    func thirtyDays() throws {
        let world = try APITestWorld()
        try populate(world)
        let response = world.get("/v1/insights", as: world.ada)
        #expect(response.status == 200)
        let body = APITestWorld.json(response)
        #expect(APITestWorld.int(body["days"]) == 30)
        #expect(body["from"] as? String == "2026-10-24")
        #expect(body["to"] as? String == "2026-11-22")
        #expect(APITestWorld.int(body["sessions"]) == 4)
        #expect(APITestWorld.int(body["flow_ms"]) == Int64(80 * 60_000))
        let peaks = try #require(body["peak_hours"] as? [[String: Any]])
        let peakHours: [Int64?] = peaks.map { APITestWorld.int($0["hour"]) }
        let peakFlow: [Int64?] = peaks.map { APITestWorld.int($0["flow_ms"]) }
        let minute: Int64 = 60_000
        #expect(peakHours == [9, 10, 7])
        #expect(peakFlow == [40 * minute, 30 * minute, 10 * minute])
        let byHour = try #require(body["flow_ms_by_hour"] as? [NSNumber])
        #expect(byHour.count == 24)
        #expect(byHour.map(\.int64Value).reduce(0, +) == Int64(80 * 60_000))
        #expect(byHour[15].int64Value == 0)
        #expect(APITestWorld.int(body["typical_flow_entry_ms"]) == Int64(20 * 60_000))
        #expect(APITestWorld.int(body["flow_entry_samples"]) == 3)
        #expect(APITestWorld.int(body["mean_recovery_ms"]) == 80_000)  // (2 × 60 s + 1 × 120 s) / 3
        #expect(APITestWorld.int(body["recovered_interruptions"]) == 3)
        let best = try #require(body["best_day"] as? [String: Any])
        #expect(best["day"] as? String == "2026-11-21")
        #expect(APITestWorld.int(best["flow_ms"]) == Int64(40 * 60_000))
        #expect(body["truncated"] as? Bool == false)
    }

    @Test("a longer window takes in older sessions; a one-day window only today")
    func windows() throws {
        let world = try APITestWorld()
        try populate(world)
        let long = APITestWorld.json(world.get("/v1/insights?days=90", as: world.ada))
        #expect(APITestWorld.int(long["sessions"]) == 5)
        #expect((long["peak_hours"] as? [[String: Any]])?.first.flatMap { APITestWorld.int($0["hour"]) } == 15)
        #expect((long["best_day"] as? [String: Any])?["day"] as? String == "2026-09-01")
        let today = APITestWorld.json(world.get("/v1/insights?days=1", as: world.ada))
        #expect(APITestWorld.int(today["sessions"]) == 1)
        #expect(APITestWorld.int(today["typical_flow_entry_ms"]) == Int64(30 * 60_000))
        #expect(today["mean_recovery_ms"] is NSNull)
        #expect((today["best_day"] as? [String: Any])?["day"] as? String == "2026-11-22")
    }

    @Test("without data every insight is empty or null")
    func empty() throws {
        let world = try APITestWorld()
        let body = APITestWorld.json(world.get("/v1/insights?days=7", as: world.eve))
        #expect(APITestWorld.int(body["sessions"]) == 0)
        #expect((body["peak_hours"] as? [Any])?.isEmpty == true)
        #expect((body["flow_ms_by_hour"] as? [NSNumber])?.allSatisfy { $0.int64Value == 0 } == true)
        #expect(body["typical_flow_entry_ms"] is NSNull)
        #expect(body["mean_recovery_ms"] is NSNull)
        #expect(body["best_day"] is NSNull)
    }

    @Test("a flow period is split at local hour boundaries, in zones with half-hour offsets too")
    func hourSplitting() {
        let start = APITestWorld.ms("2026-11-22T03:45:00Z")  // 09:15 in Kolkata
        let session = StoredSession(
            checkpoint: SessionCheckpoint(sessionId: "s", userId: "u", seq: 1, startedAtMs: start - 60_000, lastAtMs: start + 7_200_000),
            flowPeriods: [FlowPeriodRecord(startMs: start, endMs: start + 90 * 60_000, meanIntensity: 0.5, peakIntensity: 0.5)])
        let day = LocalDay(year: 2026, month: 11, day: 22) ?? LocalDay(dayNumber: 0)
        let insights = PersonalInsights(
            sessions: [session], daily: [], window: day...day, calendar: UserCalendar(timeZoneIdentifier: "Asia/Kolkata"))
        #expect(insights.flowMsByHour[9] == Int64(45 * 60_000))
        #expect(insights.flowMsByHour[10] == Int64(45 * 60_000))
        #expect(insights.flowMsByHour.reduce(0, +) == Int64(90 * 60_000))
        #expect(insights.typicalFlowEntryMs == 60_000)
        #expect(insights.peakHours.map(\.hour) == [9, 10])  // a tie goes to the earlier hour
    }

    @Test("the median of an even count is the mean of the middle two")
    func median() {
        #expect(PersonalInsights.median([]) == nil)
        #expect(PersonalInsights.median([5]) == 5)
        #expect(PersonalInsights.median([4, 1, 3, 2]) == 2)
        #expect(PersonalInsights.median([10, 30]) == 20)
        #expect(PersonalInsights.median([.max, .max]) == .max)
    }
}
