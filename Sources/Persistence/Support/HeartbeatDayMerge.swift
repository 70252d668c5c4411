import CoachingCore

/// Adds heartbeat time to the sessions' daily aggregates (both stores): the same
/// `UserDayTotals` rows, with the heartbeat time in `activeMs` and `languageMs`, no flow
/// time (heartbeats carry no keystroke rhythm) and no extra session. A day with heartbeat
/// time only gets a row of its own. The result is ordered by user, then day.
enum HeartbeatDayMerge {
    static func merge(
        _ aggregates: [UserDayTotals], _ heartbeatDays: [(userId: String, day: String, time: HeartbeatIngestResult.DayTime)]
    ) -> [UserDayTotals] {
        guard !heartbeatDays.isEmpty else { return aggregates }
        var merged = aggregates
        var index: [String: Int] = [:]
        for (position, aggregate) in merged.enumerated() { index[aggregate.userId + "\u{0}" + aggregate.day] = position }
        for entry in heartbeatDays {
            let key = entry.userId + "\u{0}" + entry.day
            let position: Int
            if let known = index[key] {
                position = known
            } else {
                position = merged.count
                index[key] = position
                merged.append(UserDayTotals(
                    userId: entry.userId, day: entry.day, activeMs: 0, flowMs: 0, keystrokes: 0, linesAdded: 0,
                    linesDeleted: 0, sessions: 0, languageMs: [:]))
            }
            merged[position].activeMs += entry.time.activeMs
            for (language, ms) in entry.time.languageMs { merged[position].languageMs[language, default: 0] += ms }
        }
        return merged.sorted { ($0.userId, $0.day) < ($1.userId, $1.day) }
    }
}
