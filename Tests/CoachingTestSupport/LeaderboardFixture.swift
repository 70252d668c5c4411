import Foundation

public import CoachingCore

/// Shared fixtures of the leaderboard suites: a fixed calendar and readers for the JSON
/// the book publishes.
public enum LeaderboardFixture {
    public static let today = PeriodKeys(day: "2026-11-22", week: "2026-W47", month: "2026-11")
    public static let tomorrow = PeriodKeys(day: "2026-11-23", week: "2026-W48", month: "2026-11")
    public static let yesterday = PeriodKeys(day: "2026-11-21", week: "2026-W47", month: "2026-11")

    public static func board(_ period: LeaderboardChannel.Period, _ metric: LeaderboardChannel.Metric, _ language: String? = nil) -> ChannelKey {
        .leaderboard(LeaderboardChannel(period: period, metric: metric, language: language))
    }

    public static func score(
        _ user: String, coding: Int64 = 0, flow: Int64 = 0, language: String? = nil, periods: PeriodKeys = today,
        name: String? = nil
    ) -> LeaderboardInput {
        .score(ScoreDelta(
            userId: user, displayName: name ?? user, periods: periods, language: language, codingMsDelta: coding,
            flowMsDelta: flow))
    }

    /// The JSON object of a frame's payload.
    public static func json(_ frame: SharedFrame) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(frame.payload))) as? [String: Any] ?? [:]
    }

    /// `[(name, value_ms, rank)]` of a leaderboard event.
    public static func rows(_ event: ChannelEvent?) -> [(String, Int64, Int)] {
        guard let event, let data = json(event.frame)["data"] as? [String: Any], let top = data["top"] as? [[String: Any]] else {
            return []
        }
        return top.map { ($0["name"] as? String ?? "?", ($0["value_ms"] as? NSNumber)?.int64Value ?? -1, ($0["rank"] as? NSNumber)?.intValue ?? -1) }
    }

    public static func names(_ event: ChannelEvent?) -> [String] { rows(event).map(\.0) }

    /// The published event for `key`, if any.
    public static func event(_ events: [ChannelEvent], _ key: ChannelKey) -> ChannelEvent? {
        events.first { $0.key == key }
    }
}
