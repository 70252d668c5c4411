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
    /// Active time per language (a handful of entries; bounded by `maximumLanguages`), in
    /// the order first seen. A plain array: the usual single language costs a 64-byte block
    /// where a dictionary's storage took about 150, and a short scan is cheaper than
    /// hashing the name.
    public private(set) var languages: [(language: String, ms: Int64)] = []

    /// ``languages`` as a dictionary (for checkpoints and the stored days).
    public var languageMs: [String: Int64] {
        Dictionary(languages, uniquingKeysWith: +)
    }

    public static let maximumLanguages = 16

    /// The `YYYY-MM-DD` key the store uses.
    public var dayKey: String { PeriodKeys(daysSinceEpoch: day).day }

    /// Days since the epoch of the local day containing `atMs` at `utcOffsetMs`.
    public static func dayIndex(atMs: Int64, utcOffsetMs: Int64) -> Int64 {
        LocalTime.day(atMs: atMs, utcOffsetMs: utcOffsetMs)
    }

    public mutating func addLanguage(_ language: String, ms: Int64) {
        for index in languages.indices where languages[index].language == language {
            languages[index].ms += ms
            return
        }
        if languages.count < Self.maximumLanguages { languages.append((language, ms)) }
    }

    /// Cumulative totals of the store (`base`, restored after a restart) plus this tally.
    public func totals(adding base: SessionDayTotals?) -> SessionDayTotals {
        var result = base ?? SessionDayTotals(day: dayKey)
        result.activeMs += activeMs
        result.flowMs += flowMs
        result.keystrokes += keystrokes
        result.linesAdded += linesAdded
        result.linesDeleted += linesDeleted
        for (language, ms) in languages { result.languageMs[language, default: 0] += ms }
        return result
    }
}
