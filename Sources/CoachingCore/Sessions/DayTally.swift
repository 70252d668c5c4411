import FlowEngine

/// One session's contribution to one local day of its user, accumulated live (the
/// cumulative `SessionDayTotals` of a checkpoint are built from these).
public struct DayTally {
    /// Days since 1970-01-01 in the user's time zone.
    public var day: Int64
    public var activeMs: Int64 = 0
    public var flowMs: Int64 = 0
    public var keystrokes: Int64 = 0
    public var linesAdded: Int64 = 0
    public var linesDeleted: Int64 = 0
    /// Active time per language (a handful of entries; bounded by `maximumLanguages`).
    public var languageMs: [String: Int64] = [:]

    public static let maximumLanguages = 16

    /// The `YYYY-MM-DD` key the store uses.
    public var dayKey: String { PeriodKeys(daysSinceEpoch: day).day }

    /// Days since the epoch of the local day containing `atMs` at `utcOffsetMs`.
    public static func dayIndex(atMs: Int64, utcOffsetMs: Int64) -> Int64 {
        LocalTime.day(atMs: atMs, utcOffsetMs: utcOffsetMs)
    }

    public mutating func addLanguage(_ language: String, ms: Int64) {
        // One hash of the name per window (the usual case: a language already counted).
        if let index = languageMs.index(forKey: language) {
            languageMs.values[index] += ms
        } else if languageMs.count < Self.maximumLanguages {
            languageMs[language] = ms
        }
    }

    /// Cumulative totals of the store (`base`, restored after a restart) plus this tally.
    public func totals(adding base: SessionDayTotals?) -> SessionDayTotals {
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
