import CoachingCore

/// A user's time per local day over a window, with the window's time per language and per
/// project: what the dashboard's day bars and allocation charts draw. Pure: stored values
/// in, numbers out.
///
/// Days and languages come from the daily aggregates (the authority: they include
/// heartbeat time as well as sessions); projects from the sessions' day shares, because
/// only a session knows its project. Time without a project is counted under `nil`.
struct DayHistory: Sendable {
    struct Day: Sendable {
        let day: LocalDay
        var activeMs: Int64 = 0
        var flowMs: Int64 = 0
        var sessions: Int64 = 0
    }

    /// One entry per day of the window, oldest first (days without activity included).
    private(set) var days: [Day]
    /// Active time per language over the window.
    private(set) var languageMs: [String: Int64] = [:]
    /// Active time per project over the window (`nil`: sessions without a project).
    private(set) var projectMs: [String?: Int64] = [:]

    init(daily: [UserDayTotals], sessions: [StoredSession], window: ClosedRange<LocalDay>) {
        days = (0...(window.upperBound.dayNumber - window.lowerBound.dayNumber)).map {
            Day(day: window.lowerBound.adding(days: $0))
        }
        var indexByLabel: [String: Int] = [:]
        for (index, day) in days.enumerated() { indexByLabel[day.day.description] = index }
        for aggregate in daily {
            guard let index = indexByLabel[aggregate.day] else { continue }
            days[index].activeMs = days[index].activeMs.addingClamped(aggregate.activeMs)
            days[index].flowMs = days[index].flowMs.addingClamped(aggregate.flowMs)
            days[index].sessions = days[index].sessions.addingClamped(aggregate.sessions)
            for (language, ms) in aggregate.languageMs { languageMs[language, default: 0] += ms }
        }
        for session in sessions {
            for share in session.checkpoint.days where indexByLabel[share.day] != nil && share.activeMs > 0 {
                projectMs[session.checkpoint.project, default: 0] += share.activeMs
            }
        }
    }

    /// `(name, ms)` pairs, most time first, ties by name; at most `limit`.
    static func ranked<Key>(_ totals: [Key: Int64], limit: Int, name: (Key) -> String) -> [(name: String, ms: Int64)] {
        var entries: [(name: String, ms: Int64)] = []
        for (key, ms) in totals where ms > 0 { entries.append((name: name(key), ms: ms)) }
        entries.sort { lhs, rhs in lhs.ms != rhs.ms ? lhs.ms > rhs.ms : lhs.name < rhs.name }
        return Array(entries.prefix(limit))
    }
}
