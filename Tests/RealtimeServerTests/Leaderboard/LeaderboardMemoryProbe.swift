import CLinux
import CoachingCore
import Glibc
import Testing

/// What a leaderboard member costs in heap bytes: malloc's bytes in use around a
/// `LeaderboardBook` of many users over five languages (global and language boards; day,
/// week, month), first with coding time only, then with every user's first flow time. A
/// measurement, not a check in the default run (other tests allocate at the same time): it
/// runs only with `FLOWCOACH_LEADERBOARD_MEMORY=<users>` set, alone
/// (`swift test --filter LeaderboardMemoryProbe`), prints its figures (docs/BENCHMARKS.md)
/// and then checks the bounds the shared members table was measured against.
struct LeaderboardMemoryProbe {
    static let users = getenv("FLOWCOACH_LEADERBOARD_MEMORY").flatMap { Int(String(cString: $0)) } ?? 0

    @Test("heap bytes per leaderboard member: joining the coding boards, then reaching flow", .enabled(if: users > 0))
    func bytesPerMember() throws {
        let keys = try #require(PeriodKeys(day: "2026-12-06"))
        let languages = ["swift", "python", "go", "rust", "typescript"]
        var book = LeaderboardBook(periods: keys)
        func inUse() -> Int { Int(mallinfo2().uordblks) }
        func feed(flowMs: Int64) {
            for user in 0..<Self.users {
                book.apply(
                    .score(
                        ScoreDelta(
                            userId: "user-\(user)-0123456789ab", displayName: "soak-user-\(user)", periods: keys,
                            language: languages[user % languages.count], codingMsDelta: 60_000, flowMsDelta: flowMs)))
            }
        }
        let start = inUse()
        feed(flowMs: 0)
        let afterCoding = inUse()
        feed(flowMs: 30_000)
        let afterFlow = inUse()
        let coding = Double(afterCoding - start) / Double(Self.users)
        let flow = Double(afterFlow - afterCoding) / Double(Self.users)
        print("leaderboard member bytes per user: coding boards \(coding), flow boards \(flow), both \(coding + flow)")
        // Separate rankings per metric measured 789 and 764 bytes here (10,000 users).
        #expect(flow < 300)
        #expect(coding + flow < 1_300)
    }
}
