import CoachingCore

/// A team's daily analytics over a window of days, built only from the sessions of members
/// who consented to share (the caller filters; this type never sees anyone else). Pure.
///
/// Per day: the sessions that were active that day, the consenting members who were
/// active, their active and flow time, and the mean focus score of those sessions
/// weighted by each session's active time on that day (a plain mean when none has active
/// time). Days are each member's own local days (`session_days.day`), matched by label.
struct TeamAnalytics: Sendable {
    struct Day: Sendable {
        let day: LocalDay
        var sessions = 0
        var activeMembers = 0
        var activeMs: Int64 = 0
        var flowMs: Int64 = 0
        fileprivate var weightedFocus = 0.0
        fileprivate var focusWeightMs: Int64 = 0
        fileprivate var focusSum = 0.0

        /// Nil on a day without sessions.
        var meanFocus: Double? {
            guard sessions > 0 else { return nil }
            return focusWeightMs > 0 ? weightedFocus / Double(focusWeightMs) : focusSum / Double(sessions)
        }
    }

    /// One entry per day of the window, oldest first (days without activity included).
    private(set) var days: [Day]

    init(memberSessions: [String: [StoredSession]], window: ClosedRange<LocalDay>) {
        days = (0...(window.upperBound.dayNumber - window.lowerBound.dayNumber)).map {
            Day(day: window.lowerBound.adding(days: $0))
        }
        var indexByLabel: [String: Int] = [:]
        for (index, day) in days.enumerated() { indexByLabel[day.day.description] = index }
        for (_, sessions) in memberSessions {
            var activeDays = Set<Int>()
            for session in sessions {
                let focus = session.checkpoint.totals.focusScore.isFinite ? session.checkpoint.totals.focusScore : 0
                for share in session.checkpoint.days {
                    guard let index = indexByLabel[share.day] else { continue }
                    activeDays.insert(index)
                    days[index].sessions += 1
                    days[index].activeMs = days[index].activeMs.addingClamped(share.activeMs)
                    days[index].flowMs = days[index].flowMs.addingClamped(share.flowMs)
                    days[index].weightedFocus += focus * Double(share.activeMs)
                    days[index].focusWeightMs = days[index].focusWeightMs.addingClamped(share.activeMs)
                    days[index].focusSum += focus
                }
            }
            for index in activeDays { days[index].activeMembers += 1 }
        }
    }
}
