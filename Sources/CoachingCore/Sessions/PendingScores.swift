
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

/// The numbers a shard gives its users for the leaderboard owner (``ScoreSubject``): the
/// lowest free one is not required, only that a number is not given to a second user while
/// the first may still be named by it.
struct ScoreNumbers {
    private var next: UInt32 = 0
    private var free: [UInt32] = []

    /// A number nobody holds.
    mutating func take() -> UInt32 {
        if let number = free.popLast() { return number }
        // A loop holds far fewer users than four billion at a time, and numbers come back.
        precondition(next < UInt32.max, "ScoreNumbers: exhausted")
        defer { next += 1 }
        return next
    }

    /// Gives `number` back for another user.
    mutating func give(_ number: UInt32) {
        free.append(number)
    }

    /// Numbers handed out and not given back (tests).
    var held: Int { Int(next) - free.count }
}
