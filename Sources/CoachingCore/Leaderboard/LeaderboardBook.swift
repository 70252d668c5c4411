/// The leaderboards' state, as a pure value: inputs in (``apply(_:)``), period changes in
/// (``advance(to:)``), events out (``publish(nowMs:)`` in `LeaderboardBook+Publishing.swift`).
///
/// ``LeaderboardOwner`` runs one of these on its own thread; tests drive it directly with
/// an explicit clock. It keeps, per period (day, week, month), the boards of the current
/// period key plus at most `maxFuturePeriodKeys` later keys; earlier keys are dropped at
/// rollover and contributions to them ignored.
public struct LeaderboardBook: Sendable {
    /// What the book remembers of a user between deltas.
    public struct Profile: Sendable {
        var userId: String
        var name: String
        var visible = true
        var consentedTeams: Set<String> = []
    }

    public let configuration: LeaderboardConfiguration
    /// The current period keys.
    public private(set) var periods: PeriodKeys
    /// Everyone the book has heard of, by *ordinal*: the user's number on this book's
    /// boards (``BoardMembers`` finds members by it without hashing the id). Ordinals are
    /// given in order and never reused; a purge resets the profile and keeps the number.
    var people: [Profile] = []
    /// User id → ordinal.
    var ordinals: [String: UInt32] = [:]
    /// Shard → the shard's number for a user (``ScoreSubject``) → ordinal
    /// (``BoardMembers/noOrdinal`` where none was given).
    var subjects: [[UInt32]] = []
    /// Period → period key → boards.
    public var boards = BoardsByPeriod()
    /// Channels whose data changed since their last publication. Only a publication takes
    /// channels out, and it moves ``markEpoch`` on when it does.
    public internal(set) var dirty: Set<ChannelKey> = []
    public var lastPublishedMs: [ChannelKey: Int64] = [:]
    /// The last published event per channel (snapshots for new subscribers).
    public var latest: [ChannelKey: ChannelEvent] = [:]
    /// Boards remember the epoch in which they last put their channels in ``dirty``
    /// (``BoardPair/unmarked(coding:flow:epoch:)``), so a score change on a channel already
    /// marked hashes no channel key. Moved on whenever channels leave ``dirty``, which makes
    /// every remembered mark stale at once.
    var markEpoch: UInt64 = 1

    public init(configuration: LeaderboardConfiguration = LeaderboardConfiguration(), periods: PeriodKeys) {
        self.configuration = configuration
        self.periods = periods
    }

    /// Applies one input.
    public mutating func apply(_ input: LeaderboardInput) {
        switch input {
        case .score(let delta):
            applyScore(delta)
        case .identify(let subject, let userId, let name):
            identify(subject, userId: userId, name: name)
        case .numberedScore(let delta):
            applyScore(delta)
        case .privacy(let userId, let visible):
            setVisibility(userId: userId, visible: visible)
        case .teams(let userId, let consentByTeam):
            setTeams(userId: userId, consented: Set(consentByTeam.filter(\.value).keys))
        case .purge(let userId):
            purge(userId: userId)
        case .stored(let totals):
            // Bulk: totals first, then one sort per board (n insertions into the middle of a
            // sorted array would cost O(n²) at 100k users).
            for day in totals { applyStored(day) }
            for period in LeaderboardChannel.Period.allCases {
                for key in boards[period].keys.map({ $0 }) { boards[period][key]?.sortRows() }
            }
        }
    }

    /// Rolls periods over: a period whose key moved forward drops every earlier board and
    /// republishes all of its channels (a new day starts empty, or with what users ahead
    /// of the calendar already contributed). Keys that move backwards are ignored.
    public mutating func advance(to next: PeriodKeys) {
        for period in LeaderboardChannel.Period.allCases where next[period] > periods[period] {
            let key = next[period]
            boards[period] = boards[period].filter { $0.key >= key }
            switch period {
            case .day: periods.day = key
            case .week: periods.week = key
            case .month: periods.month = key
            }
            for channel in latest.keys {
                if case .leaderboard(let board) = channel, board.period != period { continue }
                dirty.insert(channel)
            }
            for metric in LeaderboardChannel.Metric.allCases {
                dirty.insert(.leaderboard(LeaderboardChannel(period: period, metric: metric)))
            }
            if let current = boards[period][key] { markAll(current, period: period) }
        }
    }

    // MARK: Inputs

    private mutating func applyStored(_ day: StoredTotals) {
        guard let keys = PeriodKeys(day: day.day) else { return }
        applyScore(
            ScoreDelta(
                userId: day.userId, displayName: day.displayName, periods: keys, language: nil,
                codingMsDelta: day.codingMs, flowMsDelta: day.flowMs),
            bulk: true)
        for language in Set(day.languageCodingMs.keys).union(day.languageFlowMs.keys) {
            // Language boards only: the global totals were added above.
            applyLanguageOnly(
                userId: day.userId, name: day.displayName, keys: keys, language: language,
                codingMs: day.languageCodingMs[language] ?? 0, flowMs: day.languageFlowMs[language] ?? 0)
        }
    }

    private mutating func applyLanguageOnly(
        userId: String, name: String, keys: PeriodKeys, language rawLanguage: String, codingMs: Int64, flowMs: Int64
    ) {
        guard let language = LeaderboardChannel.canonicalLanguage(rawLanguage), codingMs != 0 || flowMs != 0 else { return }
        let visible = ordinals[userId].map { people[Int($0)].visible } ?? true
        for period in LeaderboardChannel.Period.allCases {
            let key = keys[period]
            guard acceptsKey(key, period: period) else { continue }
            // In place: reading the period's boards out to check for room copied every
            // reference in them, for every stored day of every user at start-up.
            let added = boards[period][key]?.addLanguageTime(
                language, limit: configuration.maxLanguagesPerPeriod, userId: userId, name: name, codingMs: codingMs,
                flowMs: flowMs, visible: visible)
            if added == true && key == periods[period] {
                for metric in LeaderboardChannel.Metric.allCases {
                    dirty.insert(.leaderboard(LeaderboardChannel(period: period, metric: metric, language: language)))
                }
            }
        }
    }

    /// The current key, or a later one while fewer than `maxFuturePeriodKeys` later keys
    /// are held.
    func acceptsKey(_ key: String, period: LeaderboardChannel.Period) -> Bool {
        let current = periods[period]
        if key == current { return true }
        guard key > current else { return false }
        if boards[period][key] != nil { return true }
        return boards[period].keys.filter { $0 > current }.count < configuration.maxFuturePeriodKeys
    }
}
