import CoachingCore

/// One session's contribution to one local day of its user, accumulated live (the
/// cumulative `SessionDayTotals` of a checkpoint are built from these).
struct DayTally {
    /// Days since 1970-01-01 in the user's time zone.
    var day: Int64
    var activeMs: Int64 = 0
    var flowMs: Int64 = 0
    var keystrokes: Int64 = 0
    var linesAdded: Int64 = 0
    var linesDeleted: Int64 = 0
    /// Active time per language (a handful of entries; bounded by `maximumLanguages`).
    var languageMs: [String: Int64] = [:]

    static let maximumLanguages = 16

    /// The `YYYY-MM-DD` key the store uses.
    var dayKey: String { PeriodKeys(daysSinceEpoch: day).day }

    /// Days since the epoch of the local day containing `atMs` at `utcOffsetMs`.
    static func dayIndex(atMs: Int64, utcOffsetMs: Int64) -> Int64 {
        let local = atMs &+ utcOffsetMs
        return local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000
    }

    mutating func addLanguage(_ language: String, ms: Int64) {
        if languageMs[language] != nil || languageMs.count < Self.maximumLanguages {
            languageMs[language, default: 0] += ms
        }
    }

    /// Cumulative totals of the store (`base`, restored after a restart) plus this tally.
    func totals(adding base: SessionDayTotals?) -> SessionDayTotals {
        var result = base ?? SessionDayTotals(day: dayKey)
        result.activeMs += activeMs
        result.flowMs += flowMs
        result.keystrokes += keystrokes
        result.linesAdded += linesAdded
        result.linesDeleted += linesDeleted
        for (language, ms) in languageMs { result.languageMs[language, default: 0] += ms }
        return result
    }
}
