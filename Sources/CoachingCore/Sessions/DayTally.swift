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
    /// Active time of the first language seen (the usual session has one all day), kept
    /// inline: as an array's only element it cost a 64-byte block per session.
    private var firstLanguage: String?
    private var firstLanguageMs: Int64 = 0
    /// Active time of further languages (bounded by `maximumLanguages` with the first), in
    /// the order first seen. A plain array: a short scan is cheaper than hashing the name.
    private(set) var moreLanguages: [(language: String, ms: Int64)] = []

    /// Active time per language, in the order first seen.
    public var languages: [(language: String, ms: Int64)] {
        guard let firstLanguage else { return [] }
        return [(firstLanguage, firstLanguageMs)] + moreLanguages
    }

    /// Number of languages with time.
    public var languageCount: Int { firstLanguage == nil ? 0 : 1 + moreLanguages.count }

    /// ``languages`` as a dictionary (for checkpoints and the stored days).
    public var languageMs: [String: Int64] {
        var result: [String: Int64] = [:]
        forEachLanguage { language, ms in result[language, default: 0] += ms }
        return result
    }

    /// Calls `body` with each language and its active time, in the order first seen
    /// (without building ``languages``).
    public func forEachLanguage(_ body: (_ language: String, _ ms: Int64) -> Void) {
        guard let firstLanguage else { return }
        body(firstLanguage, firstLanguageMs)
        for entry in moreLanguages { body(entry.language, entry.ms) }
    }

    public static let maximumLanguages = 16

    /// An empty tally of `day`.
    public init(day: Int64) {
        self.day = day
    }

    /// The `YYYY-MM-DD` key the store uses.
    public var dayKey: String { PeriodKeys(daysSinceEpoch: day).day }

    /// Days since the epoch of the local day containing `atMs` at `utcOffsetMs`.
    public static func dayIndex(atMs: Int64, utcOffsetMs: Int64) -> Int64 {
        LocalTime.day(atMs: atMs, utcOffsetMs: utcOffsetMs)
    }

    public mutating func addLanguage(_ language: String, ms: Int64) {
        guard let first = firstLanguage else {
            firstLanguage = language
            firstLanguageMs = ms
            return
        }
        if first == language {
            firstLanguageMs += ms
            return
        }
        for index in moreLanguages.indices where moreLanguages[index].language == language {
            moreLanguages[index].ms += ms
            return
        }
        if languageCount < Self.maximumLanguages { moreLanguages.append((language, ms)) }
    }

    /// Cumulative totals of the store (`base`, restored after a restart) plus this tally.
    public func totals(adding base: SessionDayTotals?) -> SessionDayTotals {
        var result = base ?? SessionDayTotals(day: dayKey)
        result.activeMs += activeMs
        result.flowMs += flowMs
        result.keystrokes += keystrokes
        result.linesAdded += linesAdded
        result.linesDeleted += linesDeleted
        forEachLanguage { language, ms in result.languageMs[language, default: 0] += ms }
        return result
    }
}
