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
