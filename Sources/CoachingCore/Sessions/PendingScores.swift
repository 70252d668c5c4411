
/// Leaderboard time gathered on a loop between two flushes (once per coaching tick), so
/// the leaderboard owner gets one input per (user, language, day) instead of one per
/// message.
public struct ScoreKey: Hashable {
    public var userId: String
    public var language: String?
    /// UTC days since the epoch (the leaderboard calendar).
    public var utcDay: Int64
}

public struct ScoreAmount {
    public var codingMs: Int64 = 0
    public var flowMs: Int64 = 0

    /// Adds `other`'s time to this one.
    public mutating func add(_ other: ScoreAmount) {
        codingMs += other.codingMs
        flowMs += other.flowMs
    }
}

/// The leaderboard time a session gathered since the last flush, for one (language, UTC
/// day) — the common case is one language all day, so a message adds to two integers.
public struct SessionScore {
    public var language: String?
    public var utcDay: Int64
    public var amount = ScoreAmount()
}
