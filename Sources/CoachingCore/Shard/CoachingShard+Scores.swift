/// Leaderboard time: gathered on the session while its language and day stay the same (no
/// hashing per message), parked in the shard's table when they change, and sent to the
/// leaderboard owner once per tick, one input per (user, language, UTC day).
extension CoachingShard {
    public func addScore(_ live: LiveSession, language: String?, atMs: Int64, codingMs: Int64, flowMs: Int64) {
        guard codingMs > 0 || flowMs > 0 else { return }
        wake(live)  // parked by the next tick
        let day = DayTally.dayIndex(atMs: atMs, utcOffsetMs: 0)
        if live.score.utcDay != day || live.score.language != language {
            parkScore(of: live)
            live.score = SessionScore(language: language, utcDay: day)
        }
        live.score.amount.codingMs += codingMs
        live.score.amount.flowMs += flowMs
    }

    /// Moves a session's gathered time into the shard's table (its key changed, or a flush).
    public func parkScore(of live: LiveSession) {
        let amount = live.score.amount
        guard amount.codingMs > 0 || amount.flowMs > 0 else { return }
        let key = ScoreKey(userId: live.userId, language: live.score.language, utcDay: live.score.utcDay)
        pendingScores[key, default: ScoreAmount()].add(amount)  // one look-up (hashing the user's id)
        live.score.amount = ScoreAmount()
    }

    /// Sends the parked time to the leaderboard owner.
    public func flushScores() {
        guard !pendingScores.isEmpty else { return }
        for (key, amount) in pendingScores {
            let name = users[key.userId]?.user.displayName ?? key.userId
            shell.perform(.leaderboard(.score(ScoreDelta(
                userId: key.userId, displayName: name, periods: PeriodKeys(daysSinceEpoch: key.utcDay),
                language: key.language, codingMsDelta: amount.codingMs, flowMsDelta: amount.flowMs))))
        }
        pendingScores.removeAll(keepingCapacity: true)
    }
}
