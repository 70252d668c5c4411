import CoachingCore

/// Leaderboard time gathered on a loop between two flushes (once per coaching tick), so
/// the leaderboard owner gets one input per (user, language, day) instead of one per
/// message.
struct ScoreKey: Hashable {
    var userId: String
    var language: String?
    /// UTC days since the epoch (the leaderboard calendar).
    var utcDay: Int64
}

struct ScoreAmount {
    var codingMs: Int64 = 0
    var flowMs: Int64 = 0
}

/// The leaderboard time a session gathered since the last flush, for one (language, UTC
/// day) — the common case is one language all day, so a message adds to two integers.
struct SessionScore {
    var language: String?
    var utcDay: Int64
    var amount = ScoreAmount()
}

extension EventLoop {
    /// Adds time to the next leaderboard flush: on the session itself while the language
    /// and day stay the same (no hashing per message), on the loop's table otherwise.
    func addScore(_ live: LiveSession, language: String?, atMs: Int64, codingMs: Int64, flowMs: Int64) {
        guard codingMs > 0 || flowMs > 0 else { return }
        let day = DayTally.dayIndex(atMs: atMs, utcOffsetMs: 0)
        if live.score.utcDay != day || live.score.language != language {
            parkScore(of: live)
            live.score = SessionScore(language: language, utcDay: day)
        }
        live.score.amount.codingMs += codingMs
        live.score.amount.flowMs += flowMs
    }

    /// Moves a session's gathered time into the loop's table (its key changed, or a flush).
    func parkScore(of live: LiveSession) {
        let amount = live.score.amount
        guard amount.codingMs > 0 || amount.flowMs > 0 else { return }
        let key = ScoreKey(userId: live.userId, language: live.score.language, utcDay: live.score.utcDay)
        pendingScores[key, default: ScoreAmount()].codingMs += amount.codingMs
        pendingScores[key, default: ScoreAmount()].flowMs += amount.flowMs
        live.score.amount = ScoreAmount()
    }

    /// Posts the time parked in the loop's table to the leaderboard owner (the coaching tick
    /// parks every session's time on its walk over the sessions, just before).
    func flushScores() {
        guard let services, !pendingScores.isEmpty else { return }
        for (key, amount) in pendingScores {
            let name = users[key.userId]?.user.displayName ?? key.userId
            services.leaderboards.post(.score(ScoreDelta(
                userId: key.userId, displayName: name, periods: PeriodKeys(daysSinceEpoch: key.utcDay),
                language: key.language, codingMsDelta: amount.codingMs, flowMsDelta: amount.flowMs)))
        }
        pendingScores.removeAll(keepingCapacity: true)
    }
}
