/// Stored days that change without a live session of this loop: heartbeats from a
/// WakaTime plugin are stored by the writer, which then tells the user's home loop.
extension CoachingShard {
    /// Adds `added` (per-day time heartbeats added, or removed when a recount found less)
    /// to the stored days `stats:me` is built from, and marks it for publishing. A user
    /// with no state here has nothing to update: their next state loads the days afresh.
    public func storedDaysChanged(userId: String, added: [UserDayTotals], at time: CoachingTime) {
        now = time
        guard let user = users[userId] else { return }
        for change in added {
            if let index = user.storedDays.firstIndex(where: { $0.day == change.day }) {
                user.storedDays[index].activeMs = max(0, user.storedDays[index].activeMs + change.activeMs)
                for (language, ms) in change.languageMs {
                    user.storedDays[index].languageMs[language] = max(0, user.storedDays[index].languageMs[language, default: 0] + ms)
                }
            } else {
                var day = change
                day.activeMs = max(0, day.activeMs)
                day.languageMs = day.languageMs.filter { $0.value > 0 }
                user.storedDays.append(day)
            }
        }
        statsChanged(user)
    }
}

extension CoachingShard {
    /// A session leaves memory only once its final checkpoint is with the writer: what it
    /// added to its days since this state was created becomes part of the stored days, so
    /// `stats:me`, the goal and the streak keep counting it.
    func foldIntoStoredDays(_ live: LiveSession, of user: UserState) {
        for tally in live.days where tally.activeMs > 0 || tally.flowMs > 0 {
            let key = tally.dayKey
            if let index = user.storedDays.firstIndex(where: { $0.day == key }) {
                user.storedDays[index].activeMs += tally.activeMs
                user.storedDays[index].flowMs += tally.flowMs
                tally.forEachLanguage { language, ms in user.storedDays[index].languageMs[language, default: 0] += ms }
            } else {
                user.storedDays.append(UserDayTotals(
                    userId: user.userId, day: key, activeMs: tally.activeMs, flowMs: tally.flowMs, keystrokes: tally.keystrokes,
                    linesAdded: tally.linesAdded, linesDeleted: tally.linesDeleted, sessions: 1, languageMs: tally.languageMs))
            }
        }
    }
}
