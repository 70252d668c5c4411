import CoachingTestSupport
import Testing
import TestSupport
@testable import CoachingCore

/// Scores a coaching shard sends name their user by the shard's number (`identify` once,
/// then `numberedScore`): the boards must end up exactly as with the same time sent by id
/// and name.
struct NumberedScoreTests {
    private typealias F = LeaderboardFixture

    /// Every ranking of every held period key: (key, rows), in a fixed order.
    private func rows(_ book: LeaderboardBook) -> [String] {
        var out: [String] = []
        for period in LeaderboardChannel.Period.allCases {
            for key in book.boards[period].keys.sorted() {
                guard let boards = book.boards[period][key] else { continue }
                var scopes = [("global", boards.global)]
                scopes += boards.languages.keys.sorted().compactMap { language in
                    boards.languages[language].map { (language, $0) }
                }
                scopes += boards.teams.keys.sorted().compactMap { team in boards.teams[team].map { ("team " + team, $0) } }
                for (scope, pair) in scopes {
                    for ranking in [pair.codingTime, pair.flowTime] {
                        let entries = ranking.entries.map { "\($0.userId)|\($0.name)|\($0.valueMs)" }
                        out.append("\(period) \(key) \(scope): " + entries.joined(separator: ", "))
                    }
                }
            }
        }
        return out
    }

    /// The first line where two listings differ (both lines), or `nil`.
    private func firstDifference(_ a: [String], _ b: [String]) -> String? {
        for (x, y) in zip(a, b) where x != y {
            let scope = x.prefix { $0 != ":" }
            let xs = x.split(separator: ","), ys = y.split(separator: ",")
            for (u, v) in zip(xs, ys) where u != v { return "\(scope): named \(u), numbered \(v)" }
            return "\(scope): named \(xs.count) rows, numbered \(ys.count)"
        }
        return a.count == b.count ? nil : "named has \(a.count) rankings, numbered \(b.count)"
    }

    @Test("random time, renames, privacy, teams and purges: numbered scores leave every board as scores by id do")
    func numberedEqualsNamed() {
        var random = SeededGenerator(seed: 29)
        var named = LeaderboardBook(periods: F.today)
        var numbered = LeaderboardBook(periods: F.today)
        let users = (0..<40).map { "user-\($0)-" + String(repeating: "x", count: 24) }  // heap-sized ids, as UUIDs
        // Two shards, each with its own numbers for the users it holds; a user leaving its
        // loop frees its number, which the next user needing one may get.
        var subjectOf: [String: ScoreSubject] = [:]
        var holder: [ScoreSubject: String] = [:]
        var names = Dictionary(uniqueKeysWithValues: users.map { ($0, "Name \($0.prefix(7))") })
        let days = [F.today, F.today, F.today, F.tomorrow, F.yesterday]
        let languages: [String?] = ["swift", "Go", nil, "rust", "c++"]
        for step in 0..<4_000 {
            let user = users[Int(random.next() % UInt64(users.count))]
            switch random.next() % 100 {
            case 0..<3:
                names[user] = "Renamed \(step % 7)"  // shows with the user's next score
            case 3..<6:
                let input = LeaderboardInput.privacy(userId: user, leaderboardVisible: random.next() % 2 == 0)
                named.apply(input)
                numbered.apply(input)
            case 6..<8:
                let input = LeaderboardInput.teams(userId: user, consentByTeam: ["t1": random.next() % 2 == 0, "t2": true])
                named.apply(input)
                numbered.apply(input)
            case 8:
                named.apply(.purge(userId: user))
                numbered.apply(.purge(userId: user))
            case 9..<12:
                // The user leaves its loop: the number is free for someone else.
                if let old = subjectOf.removeValue(forKey: user) { holder[old] = nil }
            default:
                let periods = days[Int(random.next() % UInt64(days.count))]
                let language = languages[Int(random.next() % UInt64(languages.count))]
                let coding = Int64(random.next() % 4) * 5_000
                let flow = random.next() % 3 == 0 ? Int64(5_000) : 0
                guard coding != 0 || flow != 0 else { continue }  // a shard sends no empty delta
                let name = names[user] ?? ""
                named.apply(.score(ScoreDelta(
                    userId: user, displayName: name, periods: periods, language: language, codingMsDelta: coding,
                    flowMsDelta: flow)))
                let subject: ScoreSubject
                if let known = subjectOf[user] {
                    subject = known
                } else {
                    // A free number of a small range, so numbers pass between users.
                    var candidate = ScoreSubject(shard: UInt16(random.next() % 2), number: UInt32(random.next() % 50))
                    while holder[candidate] != nil { candidate.number = (candidate.number + 1) % 50 }
                    subject = candidate
                    holder[subject] = user
                    subjectOf[user] = subject
                    numbered.apply(.identify(subject, userId: user, name: name))
                }
                // A shard identifies again when the name it identified changed.
                if numbered.people[Int(numbered.ordinals[user] ?? 0)].name != name {
                    numbered.apply(.identify(subject, userId: user, name: name))
                }
                numbered.apply(.numberedScore(NumberedScoreDelta(
                    subject: subject, periods: periods, language: language, codingMsDelta: coding, flowMsDelta: flow)))
            }
            if step % 500 == 499 {
                #expect(firstDifference(rows(named), rows(numbered)) == nil, "step \(step)")
                #expect(named.publish(nowMs: Int64(step) * 1_000).map(\.key.description).sorted()
                    == numbered.publish(nowMs: Int64(step) * 1_000).map(\.key.description).sorted())
            }
        }
        #expect(firstDifference(rows(named), rows(numbered)) == nil)
        #expect(rows(named).contains { $0.contains("Renamed") })
        #expect(rows(named).contains { $0.contains("team t2") && $0.contains("|") })
    }

    @Test("a number never identified is dropped; after a purge numbered time puts the user back under their name")
    func unknownNumberAndPurge() {
        var book = LeaderboardBook(periods: F.today)
        let subject = ScoreSubject(shard: 1, number: 7)
        let delta = NumberedScoreDelta(
            subject: subject, periods: F.today, language: "swift", codingMsDelta: 5_000, flowMsDelta: 0)
        book.apply(.numberedScore(delta))
        #expect(book.publish(nowMs: 0).isEmpty)

        book.apply(.identify(subject, userId: "u-ada", name: "Ada"))
        book.apply(.numberedScore(delta))
        #expect(F.rows(F.event(book.publish(nowMs: 1_000), F.board(.day, .codingTime))).map(\.0) == ["Ada"])

        book.apply(.purge(userId: "u-ada"))
        #expect(F.rows(F.event(book.publish(nowMs: 2_000), F.board(.day, .codingTime))).isEmpty)
        book.apply(.numberedScore(delta))
        let rows = F.rows(F.event(book.publish(nowMs: 3_000), F.board(.day, .codingTime)))
        #expect(rows.map(\.0) == ["Ada"])
        #expect(rows.map(\.1) == [5_000])
    }

    @Test("one number per shard: the same number on two shards names two users")
    func shardsKeepTheirNumbers() {
        var book = LeaderboardBook(periods: F.today)
        book.apply(.identify(ScoreSubject(shard: 0, number: 0), userId: "u-ada", name: "Ada"))
        book.apply(.identify(ScoreSubject(shard: 1, number: 0), userId: "u-bob", name: "Bob"))
        for (shard, coding) in [(UInt16(0), Int64(10_000)), (1, 5_000)] {
            book.apply(.numberedScore(NumberedScoreDelta(
                subject: ScoreSubject(shard: shard, number: 0), periods: F.today, language: nil, codingMsDelta: coding,
                flowMsDelta: 0)))
        }
        let rows = F.rows(F.event(book.publish(nowMs: 0), F.board(.day, .codingTime)))
        #expect(rows.map(\.0) == ["Ada", "Bob"])
        #expect(rows.map(\.1) == [10_000, 5_000])
    }
}
