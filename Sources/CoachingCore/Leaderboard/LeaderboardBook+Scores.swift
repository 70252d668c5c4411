/// Score deltas: the owner's most frequent input (one per user, language and day each tick),
/// so its steady state — a known user under the same name — copies no string and no set:
/// the profile is read in place, the delta's strings are passed down borrowed, and the
/// boards are changed in place.
extension LeaderboardBook {
    /// What the boards need to know of the delta's user.
    struct Scorer {
        /// The book's number for the user (`nil` while bulk loading, or when numbers ran out).
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

    mutating func applyScore(_ delta: ScoreDelta, bulk: Bool = false) {
        guard delta.codingMsDelta != 0 || delta.flowMsDelta != 0 else { return }
        let scorer = scorer(of: delta, bulk: bulk)
        let language = delta.language.flatMap(LeaderboardChannel.canonicalLanguage)
        for period in LeaderboardChannel.Period.allCases {
            let key = delta.periods[period]
            guard acceptsKey(key, period: period) else { continue }
            let current = key == periods[period]
            let unmarked = Self.add(
                delta, as: scorer, language: language, languageLimit: configuration.maxLanguagesPerPeriod, bulk: bulk,
                markingIn: current ? markEpoch : nil, to: &boards[period][key, default: PeriodBoards()])
            guard current else { continue }
            mark(unmarked, period: period, language: language)
        }
    }

    /// The user's ordinal, visibility and teams; a first score or a new name updates the
    /// profile (and, for a new name, every board holding the user).
    private mutating func scorer(of delta: ScoreDelta, bulk: Bool) -> Scorer {
        // The steady state: one look-up, the profile read where it is (through the `inout`
        // access; a read through the getter would copy its name and set), nothing written.
        if let index = profiles.index(forKey: delta.userId),
            let scorer = Self.knownScorer(&profiles.values[index], delta: delta, bulk: bulk)
        {
            return scorer
        }
        var profile = profiles[delta.userId] ?? Profile(name: delta.displayName)
        if profile.name != delta.displayName {
            profile.name = delta.displayName
            profiles[delta.userId] = profile
            // While bulk loading, rows are unsorted: the next addUnsorted carries the name.
            if !bulk { rename(userId: delta.userId, profile: profile) }
        }
        if profile.ordinal == nil && nextOrdinal < UInt32.max - 1 {
            profile.ordinal = nextOrdinal
            nextOrdinal += 1
        }
        profiles[delta.userId] = profile
        return Scorer(
            ordinal: bulk ? nil : profile.ordinal, visible: profile.visible,
            teams: profile.consentedTeams.isEmpty ? nil : profile.consentedTeams)
    }

    /// The scorer of a profile that has an ordinal and `delta`'s name; `nil` otherwise.
    private static func knownScorer(_ profile: inout Profile, delta: ScoreDelta, bulk: Bool) -> Scorer? {
        guard let ordinal = profile.ordinal, profile.name == delta.displayName else { return nil }
        return Scorer(
            ordinal: bulk ? nil : ordinal, visible: profile.visible,
            teams: profile.consentedTeams.isEmpty ? nil : profile.consentedTeams)
    }

    /// Adds `delta` to one period key's boards: the global pair, the language's (created
    /// while the period holds fewer than `languageLimit` languages) and each consented
    /// team's. With an epoch, returns the channels not yet marked in it.
    private static func add(
        _ delta: ScoreDelta, as scorer: Scorer, language: String?, languageLimit: Int, bulk: Bool,
        markingIn epoch: UInt64?, to boards: inout PeriodBoards
    ) -> UnmarkedChannels {
        let coding = delta.codingMsDelta, flow = delta.flowMsDelta
        var unmarked = UnmarkedChannels()
        boards.global.add(
            userId: delta.userId, ordinal: scorer.ordinal, name: delta.displayName, codingMs: coding, flowMs: flow,
            visible: scorer.visible, bulk: bulk)
        if let epoch { unmarked.global = boards.global.unmarked(coding: coding != 0, flow: flow != 0, epoch: epoch) }
        if let language {
            var index = boards.languages.index(forKey: language)
            if index == nil && boards.languages.count < languageLimit {
                boards.languages[language] = BoardPair()
                index = boards.languages.index(forKey: language)
            }
            if let index {
                boards.languages.values[index].add(
                    userId: delta.userId, ordinal: scorer.ordinal, name: delta.displayName, codingMs: coding,
                    flowMs: flow, visible: scorer.visible, bulk: bulk)
                if let epoch {
                    unmarked.language = boards.languages.values[index].unmarked(
                        coding: coding != 0, flow: flow != 0, epoch: epoch)
                }
            }
        }
        for team in scorer.teams ?? [] {
            boards.teams[team, default: BoardPair()].add(
                userId: delta.userId, ordinal: scorer.ordinal, name: delta.displayName, codingMs: coding, flowMs: flow,
                visible: true, bulk: bulk)
            if let epoch, boards.teams[team, default: BoardPair()].unmarked(coding: true, flow: false, epoch: epoch).coding {
                unmarked.teams.append(team)
            }
        }
        return unmarked
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
