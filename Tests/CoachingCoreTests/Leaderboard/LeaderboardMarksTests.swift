import CoachingTestSupport
import Testing

@testable import CoachingCore

/// A board remembers that its channels are already marked for publication (so a score
/// change hashes no channel key): a publication must make every such memory stale.
struct LeaderboardMarksTests {
    typealias F = LeaderboardFixture

    static let coding: Set<ChannelKey> = [
        F.board(.day, .codingTime), F.board(.week, .codingTime), F.board(.month, .codingTime),
        F.board(.day, .codingTime, "swift"), F.board(.week, .codingTime, "swift"), F.board(.month, .codingTime, "swift"),
    ]
    static let flow: Set<ChannelKey> = [
        F.board(.day, .flowTime), F.board(.week, .flowTime), F.board(.month, .flowTime),
        F.board(.day, .flowTime, "swift"), F.board(.week, .flowTime, "swift"), F.board(.month, .flowTime, "swift"),
    ]

    @Test("a change after a publication marks its channels again, global, language and team")
    func markedAgainAfterPublishing() {
        var book = LeaderboardBook(periods: F.today)
        book.apply(.teams(userId: "ada", consentByTeam: ["t1": true]))
        book.apply(F.score("ada", coding: 5_000, language: "Swift"))
        book.apply(F.score("ada", coding: 5_000, language: "swift"))
        #expect(book.pendingChannels == Self.coding.union([.team(id: "t1")]))
        #expect(book.publish(nowMs: 1_000).count == 7)
        #expect(book.pendingChannels.isEmpty)
        book.apply(F.score("ada", coding: 5_000, language: "swift"))
        #expect(book.pendingChannels == Self.coding.union([.team(id: "t1")]))
        #expect(book.publish(nowMs: 2_000).count == 7)
    }

    @Test("channels kept back by the one-second spacing stay marked while others are published")
    func partlyPublished() {
        var book = LeaderboardBook(periods: F.today)
        book.apply(F.score("ada", coding: 5_000, language: "swift"))
        _ = book.publish(nowMs: 1_000)
        book.apply(F.score("ada", coding: 5_000, language: "swift"))
        book.apply(F.score("bob", flow: 5_000, language: "swift"))
        // The coding channels wait for 2,000; the flow channels go out now.
        #expect(book.publish(nowMs: 1_500).count == 6)
        #expect(book.pendingChannels == Self.coding)
        book.apply(F.score("bob", flow: 5_000, language: "swift"))
        book.apply(F.score("ada", coding: 5_000, language: "swift"))
        #expect(book.pendingChannels == Self.coding.union(Self.flow))
        let events = book.publish(nowMs: 2_500)
        #expect(Set(events.map(\.key)) == Self.coding.union(Self.flow))
        #expect(F.rows(F.event(events, F.board(.day, .codingTime))).map(\.1) == [15_000])
    }
}
