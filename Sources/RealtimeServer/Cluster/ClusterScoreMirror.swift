import CoachingCore

/// What this node's leaderboards were last told about each user's stored days, so that a
/// fresh read of a user's totals (after a `scoresChanged` notice) becomes the deltas that
/// take the boards from the old totals to the new ones.
///
/// With several nodes the boards follow the store, not live time: every node applies the
/// same committed totals, so all nodes agree however many of them saw the activity. A
/// re-read that finds nothing new gives no delta, so a notice heard twice, or one whose
/// change the start-up rebuild already read, changes nothing.
struct ClusterScoreMirror {
    private var days: [String: [String: StoredTotals]] = [:]
    private(set) var names: [String: String] = [:]

    /// The start-up rebuild's totals (the boards got them as `.stored`).
    mutating func seed(_ totals: [StoredTotals]) {
        for day in totals {
            days[day.userId, default: [:]][day.day] = day
            names[day.userId] = day.displayName
        }
    }

    /// The user's stored days from `fromDay` on, as read now: the deltas for the boards.
    mutating func replace(userId: String, displayName: String, totals: [StoredTotals], fromDay: String) -> [ScoreDelta] {
        names[userId] = displayName
        var known = days[userId] ?? [:]
        var fresh: [String: StoredTotals] = [:]
        for day in totals where day.day >= fromDay { fresh[day.day] = day }
        var deltas: [ScoreDelta] = []
        for day in Set(fresh.keys).union(known.keys.filter { $0 >= fromDay }).sorted() {
            guard let keys = PeriodKeys(day: day) else { continue }
            let old = known[day], new = fresh[day]
            var languageOld: Int64 = 0, languageNew: Int64 = 0
            let languages = Set(old.map { Array($0.languageCodingMs.keys) } ?? []).union(new.map { Array($0.languageCodingMs.keys) } ?? [])
            for language in languages.sorted() {
                let before = old?.languageCodingMs[language] ?? 0, after = new?.languageCodingMs[language] ?? 0
                languageOld += before
                languageNew += after
                if after != before {
                    // A language delta counts on the global boards too.
                    deltas.append(ScoreDelta(
                        userId: userId, displayName: displayName, periods: keys, language: language,
                        codingMsDelta: after - before, flowMsDelta: 0))
                }
            }
            let rest = ((new?.codingMs ?? 0) - languageNew) - ((old?.codingMs ?? 0) - languageOld)
            let flow = (new?.flowMs ?? 0) - (old?.flowMs ?? 0)
            if rest != 0 || flow != 0 {
                deltas.append(ScoreDelta(
                    userId: userId, displayName: displayName, periods: keys, language: nil, codingMsDelta: rest, flowMsDelta: flow))
            }
            known[day] = new
        }
        days[userId] = known
        return deltas
    }

    /// The user was purged: the boards forgot them.
    mutating func forget(userId: String) {
        days[userId] = nil
        names[userId] = nil
    }
}
