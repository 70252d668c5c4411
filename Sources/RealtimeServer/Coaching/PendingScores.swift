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

extension EventLoop {
    /// Adds time to the next leaderboard flush.
    func addScore(_ userId: String, language: String?, atMs: Int64, codingMs: Int64, flowMs: Int64) {
        guard codingMs > 0 || flowMs > 0 else { return }
        let key = ScoreKey(userId: userId, language: language, utcDay: DayTally.dayIndex(atMs: atMs, utcOffsetMs: 0))
        pendingScores[key, default: ScoreAmount()].codingMs += codingMs
        pendingScores[key, default: ScoreAmount()].flowMs += flowMs
    }

    /// Posts the gathered time to the leaderboard owner.
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
