/// Score deltas: the owner's most frequent input (one per user, language and day each tick).
/// A shard's numbered delta reaches its user's profile by two array indexes (no hashing of
/// the user id) and copies no string and no set: the profile is read in place, its id and
/// name are lent to the boards, and the boards are changed in place.
extension LeaderboardBook {
    /// What the boards need to know of the delta's user.
    struct Scorer {
        /// The user's ordinal (`nil` while bulk loading: rows are sorted afterwards).
        var ordinal: UInt32?
        var visible: Bool
        /// The teams the user shares data with; `nil` when none (most users), so that the
        /// steady state copies no set.
        var teams: Set<String>?
    }

    /// The channels of one period key's boards that a delta changed and that were not yet
    /// marked dirty in the current epoch.
    struct UnmarkedChannels {
        var global = (coding: false, flow: false)
        var language = (coding: false, flow: false)
        var teams: [String] = []
    }

    /// A delta naming its user by id and display name (stored totals at start-up, the
    /// cluster's mirror, the WakaTime endpoint): the user's ordinal is looked up by id, and
    /// a new name renames the user on every board.
    mutating func applyScore(_ delta: ScoreDelta, bulk: Bool = false) {
        guard delta.codingMsDelta != 0 || delta.flowMsDelta != 0 else { return }
        let ordinal = ordinal(of: delta.userId, name: delta.displayName)
        setName(delta.displayName, ofOrdinal: ordinal, bulk: bulk)
        applyScore(
            ordinal: ordinal, keys: delta.periods, language: delta.language, codingMs: delta.codingMsDelta,
            flowMs: delta.flowMsDelta, bulk: bulk)
    }

    /// A shard's delta: its number was identified before. (A number never identified
    /// cannot arrive while one shard's inputs keep their order; such a delta is dropped.)
    mutating func applyScore(_ delta: NumberedScoreDelta) {
        guard delta.codingMsDelta != 0 || delta.flowMsDelta != 0, let ordinal = ordinal(of: delta.subject) else {
            return
        }
        applyScore(
            ordinal: ordinal, keys: delta.periods, language: delta.language, codingMs: delta.codingMsDelta,
            flowMs: delta.flowMsDelta, bulk: false)
    }

    /// Adds the time to the user's boards in each period whose key the book accepts, and
    /// marks the channels that changed in the current keys.
    private mutating func applyScore(
        ordinal: UInt32, keys: PeriodKeys, language rawLanguage: String?, codingMs: Int64, flowMs: Int64, bulk: Bool
    ) {
        let person = Int(ordinal)
        // The profiles through a local, which the boards read the user's id and name from
        // only for a pair the user is not yet a member of (read through `self` while
        // `self.boards` is changed, or passed down, each was copied: retained and released
        // per period). A user with no teams hands the boards `nil`, not a copy of a set.
        let everyone = people
        let scorer = Scorer(
            ordinal: bulk ? nil : ordinal, visible: everyone[person].visible,
            teams: everyone[person].consentedTeams.isEmpty ? nil : everyone[person].consentedTeams)
        let language = rawLanguage.flatMap(LeaderboardChannel.canonicalLanguage)
        for period in LeaderboardChannel.Period.allCases {
            let key = keys[period]
            guard acceptsKey(key, period: period) else { continue }
            let current = key == periods[period]
            let unmarked = Self.add(
                person, of: everyone, codingMs: codingMs, flowMs: flowMs, as: scorer, language: language,
                languageLimit: configuration.maxLanguagesPerPeriod, bulk: bulk, markingIn: current ? markEpoch : nil,
                to: &boards[period][key, default: PeriodBoards()])
            guard current else { continue }
            mark(unmarked, period: period, language: language)
        }
    }

    /// Adds the user's time to one period key's boards: the global pair, the language's (created
    /// while the period holds fewer than `languageLimit` languages) and each consented
    /// team's. With an epoch, returns the channels not yet marked in it.
    private static func add(
        _ person: Int, of everyone: [Profile], codingMs coding: Int64, flowMs flow: Int64, as scorer: Scorer,
        language: String?, languageLimit: Int, bulk: Bool, markingIn epoch: UInt64?, to boards: inout PeriodBoards
    ) -> UnmarkedChannels {
        var unmarked = UnmarkedChannels()
        add(
            person, of: everyone, codingMs: coding, flowMs: flow, as: scorer, visible: scorer.visible, bulk: bulk,
            to: &boards.global)
        if let epoch { unmarked.global = boards.global.unmarked(coding: coding != 0, flow: flow != 0, epoch: epoch) }
        if let language {
            var index = boards.languages.index(forKey: language)
            if index == nil && boards.languages.count < languageLimit {
                boards.languages[language] = BoardPair()
                index = boards.languages.index(forKey: language)
            }
            if let index {
                add(
                    person, of: everyone, codingMs: coding, flowMs: flow, as: scorer, visible: scorer.visible, bulk: bulk,
                    to: &boards.languages.values[index])
                if let epoch {
                    unmarked.language = boards.languages.values[index].unmarked(
                        coding: coding != 0, flow: flow != 0, epoch: epoch)
                }
            }
        }
        for team in scorer.teams ?? [] {
            add(
                person, of: everyone, codingMs: coding, flowMs: flow, as: scorer, visible: true, bulk: bulk,
                to: &boards.teams[team, default: BoardPair()])
            if let epoch, boards.teams[team, default: BoardPair()].unmarked(coding: true, flow: false, epoch: epoch).coding {
                unmarked.teams.append(team)
            }
        }
        return unmarked
    }

    /// Adds the user's time to one pair: found by ordinal when already a member (the steady
    /// state, which reads neither the user's id nor their name), else by id.
    private static func add(
        _ person: Int, of everyone: [Profile], codingMs coding: Int64, flowMs flow: Int64, as scorer: Scorer,
        visible: Bool, bulk: Bool, to pair: inout BoardPair
    ) {
        // (`scorer.ordinal` is nil while bulk loading.)
        if let ordinal = scorer.ordinal, pair.addToMember(ordinal: ordinal, codingMs: coding, flowMs: flow, visible: visible) {
            return
        }
        pair.add(
            userId: everyone[person].userId, ordinal: scorer.ordinal, name: everyone[person].name, codingMs: coding,
            flowMs: flow, visible: visible, bulk: bulk)
    }

    /// Puts the channels a delta changed among the dirty ones.
    private mutating func mark(_ unmarked: UnmarkedChannels, period: LeaderboardChannel.Period, language: String?) {
        if unmarked.global.coding { dirty.insert(.leaderboard(LeaderboardChannel(period: period, metric: .codingTime))) }
        if unmarked.global.flow { dirty.insert(.leaderboard(LeaderboardChannel(period: period, metric: .flowTime))) }
        if unmarked.language.coding || unmarked.language.flow, let language {
            if unmarked.language.coding {
                dirty.insert(.leaderboard(LeaderboardChannel(period: period, metric: .codingTime, language: language)))
            }
            if unmarked.language.flow {
                dirty.insert(.leaderboard(LeaderboardChannel(period: period, metric: .flowTime, language: language)))
            }
        }
        for team in unmarked.teams { dirty.insert(.team(id: team)) }
    }
}
