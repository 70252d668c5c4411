/// Every board of one period key (say day `2026-11-22`): global, per language and per
/// team, each by coding time and by flow time.
public struct PeriodBoards: Sendable {
    /// All users; opted-out users are members but not visible.
    public var global = BoardPair()
    /// Canonical language → board; membership follows the global visibility.
    public var languages: [String: BoardPair] = [:]
    /// Team id → board of members who consented to share; all visible to the team.
    public var teams: [String: BoardPair] = [:]

    /// The ranking a `leaderboard:` channel shows for this period, or `nil` when that
    /// language has no board.
    public func ranking(_ channel: LeaderboardChannel) -> RankIndex? {
        guard let language = channel.language else { return global[channel.metric] }
        return languages[language]?[channel.metric]
    }

    /// Bulk loading: adds a user's stored time in `language` to that language's board,
    /// created while the period holds fewer than `limit` languages. Returns whether it did.
    mutating func addLanguageTime(
        _ language: String, limit: Int, userId: String, name: String, codingMs: Int64, flowMs: Int64, visible: Bool
    ) -> Bool {
        guard languages[language] != nil || languages.count < limit else { return false }
        languages[language, default: BoardPair()].add(
            userId: userId, name: name, codingMs: codingMs, flowMs: flowMs, visible: visible, bulk: true)
        return true
    }

    /// Sorts every board's rows after bulk loading.
    public mutating func sortRows() {
        global.sortRows()
        for language in languages.keys { languages[language]?.sortRows() }
        for team in teams.keys { teams[team]?.sortRows() }
    }

    /// Re-applies a user's name and public visibility to every global and language board.
    public mutating func update(userId: String, name: String, visible: Bool) {
        global.update(userId: userId, name: name, visible: visible)
        for language in languages.keys {
            languages[language]?.update(userId: userId, name: name, visible: visible)
        }
        for team in teams.keys {
            teams[team]?.update(userId: userId, name: name, visible: true)
        }
    }

    /// Puts the user on `team`'s board with their period totals (joining or consenting).
    public mutating func addToTeam(_ team: String, userId: String, name: String) {
        var pair = teams[team] ?? BoardPair()
        pair.add(
            userId: userId, name: name, codingMs: global.codingTime.value(of: userId) ?? 0,
            flowMs: global.flowTime.value(of: userId) ?? 0, visible: true)
        teams[team] = pair
    }

    /// Removes the user from `team`'s board (leaving or withdrawing consent).
    public mutating func removeFromTeam(_ team: String, userId: String) {
        teams[team]?.remove(userId: userId)
    }

    /// Forgets the user on every board (purge).
    public mutating func purge(userId: String) {
        global.remove(userId: userId)
        for language in languages.keys where languages[language]?.contains(userId) == true {
            languages[language]?.remove(userId: userId)
        }
        for team in teams.keys where teams[team]?.contains(userId) == true {
            teams[team]?.remove(userId: userId)
        }
    }
}
