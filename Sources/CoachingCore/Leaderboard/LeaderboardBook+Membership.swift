/// Privacy, teams, renames and purges: inputs that change who appears where rather than
/// how much time someone has.
extension LeaderboardBook {
    /// `privacy.set`: hides or shows the user on every public board of every held period.
    public mutating func setVisibility(userId: String, visible: Bool) {
        let known = ordinals[userId] != nil
        let person = Int(ordinal(of: userId, name: ""))
        guard people[person].visible != visible || !known else { return }
        people[person].visible = visible
        rename(userId: userId, profile: people[person])
    }

    /// Re-applies the profile's name and visibility to every board holding the user.
    public mutating func rename(userId: String, profile: Profile) {
        let current = periods
        var marks: Set<ChannelKey> = []
        forEachHeldBoard { period, key, periodBoards in
            periodBoards.update(userId: userId, name: profile.name, visible: profile.visible)
            if key == current[period] { Self.channels(of: userId, in: periodBoards, period: period, into: &marks) }
        }
        dirty.formUnion(marks)
    }

    /// Replaces the set of teams the user shares data with.
    public mutating func setTeams(userId: String, consented: Set<String>) {
        let person = Int(ordinal(of: userId, name: ""))
        let left = people[person].consentedTeams.subtracting(consented)
        let joined = consented.subtracting(people[person].consentedTeams)
        people[person].consentedTeams = consented
        let name = people[person].name
        guard !left.isEmpty || !joined.isEmpty else { return }
        let current = periods
        var marks: Set<ChannelKey> = []
        forEachHeldBoard { period, key, periodBoards in
            for team in left { periodBoards.removeFromTeam(team, userId: userId) }
            if periodBoards.global.contains(userId) {
                for team in joined { periodBoards.addToTeam(team, userId: userId, name: name) }
            }
            if key == current[period] {
                for team in left.union(joined) { marks.insert(.team(id: team)) }
            }
        }
        dirty.formUnion(marks)
    }

    /// Forgets the user on every board and republishes what they were on.
    public mutating func purge(userId: String) {
        if let person = ordinals[userId].map(Int.init) {
            // The ordinal, id and display name stay (they are the account's, which a data
            // purge keeps): a shard may go on naming the user by its number, and their next
            // time shows under their name. What the user chose (visibility, teams) goes.
            // After an account deletion nothing brings the user back to a board, and the
            // profile is gone at the next start.
            people[person].visible = true
            people[person].consentedTeams = []
        }
        let current = periods
        var marks: Set<ChannelKey> = []
        forEachHeldBoard { period, key, periodBoards in
            if key == current[period] { Self.channels(of: userId, in: periodBoards, period: period, into: &marks) }
            periodBoards.purge(userId: userId)
        }
        dirty.formUnion(marks)
    }

    /// Collects every channel of `periodBoards` on which `userId` appears.
    public static func channels(
        of userId: String, in periodBoards: PeriodBoards, period: LeaderboardChannel.Period, into marks: inout Set<ChannelKey>
    ) {
        if periodBoards.global.contains(userId) {
            for metric in LeaderboardChannel.Metric.allCases {
                marks.insert(.leaderboard(LeaderboardChannel(period: period, metric: metric)))
            }
        }
        for (language, pair) in periodBoards.languages where pair.contains(userId) {
            for metric in LeaderboardChannel.Metric.allCases {
                marks.insert(.leaderboard(LeaderboardChannel(period: period, metric: metric, language: language)))
            }
        }
        for (team, pair) in periodBoards.teams where pair.contains(userId) { marks.insert(.team(id: team)) }
    }

    /// Marks every channel of a period's boards (rollover).
    public mutating func markAll(_ periodBoards: PeriodBoards, period: LeaderboardChannel.Period) {
        for metric in LeaderboardChannel.Metric.allCases {
            dirty.insert(.leaderboard(LeaderboardChannel(period: period, metric: metric)))
            for language in periodBoards.languages.keys {
                dirty.insert(.leaderboard(LeaderboardChannel(period: period, metric: metric, language: language)))
            }
        }
        for team in periodBoards.teams.keys { dirty.insert(.team(id: team)) }
    }

    /// Calls `body` with every held period key's boards, in place.
    private mutating func forEachHeldBoard(
        _ body: (LeaderboardChannel.Period, String, inout PeriodBoards) -> Void
    ) {
        for period in LeaderboardChannel.Period.allCases {
            for key in boards[period].keys.map({ $0 }) {
                if var periodBoards = boards[period].removeValue(forKey: key) {
                    body(period, key, &periodBoards)
                    boards[period][key] = periodBoards
                }
            }
        }
    }
}
