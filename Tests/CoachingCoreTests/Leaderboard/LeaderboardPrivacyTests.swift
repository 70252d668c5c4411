import CoachingTestSupport
import Testing

@testable import CoachingCore

/// Privacy opt-out, team boards with consent, and purge.
struct LeaderboardPrivacyTests {
    typealias F = LeaderboardFixture

    func book(_ inputs: [LeaderboardInput]) -> LeaderboardBook {
        var book = LeaderboardBook(periods: F.today)
        for input in inputs { book.apply(input) }
        return book
    }

    /// `[(name, coding rows)]` of the day part of a team event.
    func teamDay(_ event: ChannelEvent?, _ metric: String = "coding_time") -> [String] {
        guard let event, let data = F.json(event.frame)["data"] as? [String: Any],
            let day = data["day"] as? [String: Any], let rows = day[metric] as? [[String: Any]]
        else { return [] }
        return rows.compactMap { $0["name"] as? String }
    }

    @Test("an opted-out user is absent from every public board but still sees their own rank")
    func optOut() {
        var book = book([
            .privacy(userId: "hid", leaderboardVisible: false),
            F.score("ada", coding: 300, language: "swift"), F.score("hid", coding: 200, language: "swift"),
            F.score("bob", coding: 100, language: "swift"),
        ])
        let events = book.publish(nowMs: 0)
        for key in [F.board(.day, .codingTime), F.board(.week, .codingTime), F.board(.day, .codingTime, "swift")] {
            let event = F.event(events, key)
            #expect(F.names(event) == ["ada", "bob"])
            #expect(!String(decoding: event!.frame.payload, as: UTF8.self).contains("hid"))
            #expect(event?.ownRank(of: "hid") == OwnRank(rank: 2, valueMs: 200, visible: false))
            #expect(event?.ownRank(of: "bob")?.rank == 2)
        }
    }

    @Test("opting out later removes the user from published boards at the next publication, opting in restores them")
    func toggle() {
        var book = book([F.score("ada", flow: 30), F.score("bob", flow: 20)])
        _ = book.publish(nowMs: 0)
        book.apply(.privacy(userId: "ada", leaderboardVisible: false))
        let hidden = book.publish(nowMs: 1_000)
        #expect(F.names(F.event(hidden, F.board(.day, .flowTime))) == ["bob"])
        #expect(F.names(F.event(hidden, F.board(.month, .flowTime))) == ["bob"])
        book.apply(.privacy(userId: "ada", leaderboardVisible: true))
        #expect(F.names(F.event(book.publish(nowMs: 2_000), F.board(.day, .flowTime))) == ["ada", "bob"])
    }

    @Test("a team board shows only members who consented, with their period totals")
    func teams() {
        var book = book([
            F.score("ada", coding: 100), F.score("bob", coding: 50), F.score("cy", coding: 70),
            .teams(userId: "ada", consentByTeam: ["core": true]),
            .teams(userId: "bob", consentByTeam: ["core": true]),
            .teams(userId: "cy", consentByTeam: ["core": false]),
        ])
        book.apply(F.score("bob", coding: 100))
        let events = book.publish(nowMs: 0)
        let team = F.event(events, .team(id: "core"))
        #expect(teamDay(team) == ["bob", "ada"])
        #expect(F.json(team!.frame)["channel"] as? String == "team:core")
        #expect(team?.ownRanks == nil)
        // Team boards are not affected by public visibility, only by consent.
        book.apply(.privacy(userId: "ada", leaderboardVisible: false))
        book.apply(.teams(userId: "bob", consentByTeam: ["core": false]))
        let after = F.event(book.publish(nowMs: 1_000), .team(id: "core"))
        #expect(teamDay(after) == ["ada"])
    }

    @Test("an unchanged team board is not republished")
    func teamUnchanged() {
        var book = book([.teams(userId: "ada", consentByTeam: ["core": true]), F.score("ada", coding: 10)])
        #expect(F.event(book.publish(nowMs: 0), .team(id: "core")) != nil)
        book.apply(.teams(userId: "ada", consentByTeam: ["core": true]))
        #expect(book.publish(nowMs: 5_000).isEmpty)
    }

    @Test("a purge removes the user from every board and own-rank lookups at once")
    func purge() {
        var book = book([
            .teams(userId: "ada", consentByTeam: ["core": true]),
            F.score("ada", coding: 100, flow: 10, language: "go"), F.score("bob", coding: 50, language: "go"),
        ])
        _ = book.publish(nowMs: 0)
        book.apply(.purge(userId: "ada"))
        let events = book.publish(nowMs: 1_000)
        #expect(F.names(F.event(events, F.board(.day, .codingTime))) == ["bob"])
        #expect(F.names(F.event(events, F.board(.day, .codingTime, "go"))) == ["bob"])
        #expect(F.names(F.event(events, F.board(.month, .flowTime))).isEmpty)
        #expect(teamDay(F.event(events, .team(id: "core"))).isEmpty)
        #expect(F.event(events, F.board(.day, .codingTime))?.ownRank(of: "ada") == nil)
        for event in events { #expect(!String(decoding: event.frame.payload, as: UTF8.self).contains("ada")) }
    }
}
