import CoachingCore

/// The leaderboard owner's work per score input from a coaching shard (`LeaderboardBook.apply`
/// of a `.numberedScore`) at the `steady` profile's scale: 2,000 members on every board,
/// 10,000 sessions (five per user, one per language) sending one 5-second delta each in
/// turn (`ScoreDeltaWorkload`, shared with the Benchmarks package's `ScoreDeltaCount`, which
/// scales it to 100,000 members), each user identified by its number once beforehand.
///
/// One full cycle of the sessions and 1,000 more deltas warm it up: every active user's
/// boards and language rankings exist by then, so a counted delta allocates nothing.
struct LeaderboardScoreDeltas {
    static let members = 2_000

    var book = LeaderboardBook(periods: ScoreDeltaWorkload.periods)
    let sessions: [NumberedScoreDelta]
    /// The first user's id (for ``firstUserDayCodingMs()``).
    let firstUserId: String
    /// The next delta of the stream.
    var next = 0

    init() {
        let workload = ScoreDeltaWorkload(users: Self.members, names: .soak)
        sessions = workload.numberedSessions
        firstUserId = workload.sessions[0].userId
        book.apply(.stored(workload.stored))
        for identity in workload.identities { book.apply(identity) }
        _ = book.publish(nowMs: 1_000_000)
        applyStream(count: sessions.count + 1_000)
    }

    /// The next `count` deltas of the stream, in a function of its own so that callgrind
    /// counts exactly them (`--toggle-collect='*applyStream*'`).
    @inline(never)
    mutating func applyStream(count: Int) {
        for _ in 0..<count {
            book.apply(.numberedScore(sessions[next]))
            next = next == sessions.count - 1 ? 0 : next + 1
        }
    }

    /// The day's coding time of the stream's first user, to show that the deltas landed.
    func firstUserDayCodingMs() -> Int64 {
        book.boards[.day][ScoreDeltaWorkload.periods.day]?.global.codingTime.value(of: firstUserId) ?? 0
    }
}
