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

    /// Sends the parked time to the leaderboard owner, each user named by its number, then
    /// gives back the numbers of the users who left since the last flush.
    public func flushScores() {
        if !pendingScores.isEmpty {
            for (key, amount) in pendingScores {
                let periods = PeriodKeys(daysSinceEpoch: key.utcDay)
                guard let user = users[key.userId] ?? leavingUsers[key.userId] else {
                    // Not reached (a user's parked time leaves with the user or is sent while
                    // it is leaving); named by id rather than lost.
                    shell.perform(.leaderboard(.score(ScoreDelta(
                        userId: key.userId, displayName: key.userId, periods: periods, language: key.language,
                        codingMsDelta: amount.codingMs, flowMsDelta: amount.flowMs))))
                    continue
                }
                shell.perform(.leaderboard(.numberedScore(NumberedScoreDelta(
                    subject: scoreSubject(of: user), periods: periods, language: key.language,
                    codingMsDelta: amount.codingMs, flowMsDelta: amount.flowMs))))
            }
            pendingScores.removeAll(keepingCapacity: true)
        }
        guard !leavingUsers.isEmpty else { return }
        for user in leavingUsers.values {
            if let number = user.scoreNumber { scoreNumbers.give(number) }
            user.scoreNumber = nil
        }
        leavingUsers.removeAll(keepingCapacity: true)
    }

    /// The user's number on the leaderboard owner's side: given (and identified to the
    /// owner, ahead of the score that needs it) the first time, identified again when the
    /// user's display name changed.
    func scoreSubject(of user: UserState) -> ScoreSubject {
        let number: UInt32
        if let known = user.scoreNumber {
            number = known
            if user.scoreName == user.user.displayName { return subject(number) }
        } else {
            number = scoreNumbers.take()
            user.scoreNumber = number
        }
        user.scoreName = user.user.displayName
        shell.perform(.leaderboard(.identify(subject(number), userId: user.userId, name: user.scoreName)))
        return subject(number)
    }

    private func subject(_ number: UInt32) -> ScoreSubject {
        ScoreSubject(shard: UInt16(truncatingIfNeeded: configuration.loopIndex), number: number)
    }
}
