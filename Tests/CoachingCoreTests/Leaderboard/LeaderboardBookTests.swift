import CoachingTestSupport
import Testing

@testable import CoachingCore

/// Rankings, boards, rollover and coalesced publication of the pure leaderboard state.
struct LeaderboardBookTests {
    typealias F = LeaderboardFixture

    func book(_ inputs: [LeaderboardInput], periods: PeriodKeys = F.today, topCount: Int = 50) -> LeaderboardBook {
        var book = LeaderboardBook(configuration: LeaderboardConfiguration(topCount: topCount), periods: periods)
        for input in inputs { book.apply(input) }
        return book
    }

    @Test("a board lists rows by value, ties by name, with ranks 1…n and the period key")
    func ordering() {
        var book = book([F.score("u1", coding: 100, name: "cy"), F.score("u2", coding: 300, name: "bob"), F.score("u3", coding: 100, name: "ada")])
        let events = book.publish(nowMs: 0)
        let day = F.event(events, F.board(.day, .codingTime))
        #expect(F.rows(day).map(\.0) == ["bob", "ada", "cy"])
        #expect(F.rows(day).map(\.2) == [1, 2, 3])
        #expect(F.rows(day).map(\.1) == [300, 100, 100])
        #expect((F.json(day!.frame)["data"] as? [String: Any])?["period"] as? String == "2026-11-22")
        #expect(F.json(day!.frame)["channel"] as? String == "leaderboard:day:coding_time")
        // Week and month boards got the same time.
        #expect(F.names(F.event(events, F.board(.week, .codingTime))) == ["bob", "ada", "cy"])
        #expect(F.names(F.event(events, F.board(.month, .codingTime))) == ["bob", "ada", "cy"])
        // No flow time was reported: flow boards were not published.
        #expect(F.event(events, F.board(.day, .flowTime)) == nil)
    }

    @Test("only the top rows are published")
    func topCount() {
        var book = book((1...8).map { F.score("u\($0)", flow: Int64($0)) }, topCount: 5)
        let rows = F.rows(F.event(book.publish(nowMs: 0), F.board(.day, .flowTime)))
        #expect(rows.map(\.0) == ["u8", "u7", "u6", "u5", "u4"])
    }

    @Test("time in a language counts on the global board and on that language's board only")
    func languages() {
        var book = book([
            F.score("ada", coding: 50, language: "Swift"), F.score("bob", coding: 70, language: "go"),
            F.score("ada", coding: 30, language: "go"),
        ])
        let events = book.publish(nowMs: 0)
        #expect(F.names(F.event(events, F.board(.day, .codingTime))) == ["ada", "bob"])
        #expect(F.rows(F.event(events, F.board(.day, .codingTime, "swift"))).map(\.1) == [50])
        #expect(F.names(F.event(events, F.board(.day, .codingTime, "go"))) == ["bob", "ada"])
        #expect(F.event(events, F.board(.day, .codingTime, "rust")) == nil)
        // An empty snapshot is served for a language nobody used.
        #expect(F.rows(book.snapshot(for: F.board(.day, .codingTime, "rust"))).isEmpty)
    }

    @Test("at most one publication per second per channel, and none when nothing changed")
    func coalescing() {
        var book = book([F.score("ada", flow: 10)])
        #expect(book.publish(nowMs: 1_000).count == 3)  // day, week, month flow boards
        #expect(book.publish(nowMs: 1_500).isEmpty)  // nothing changed
        book.apply(F.score("ada", flow: 10))
        book.apply(F.score("bob", flow: 5))
        #expect(book.publish(nowMs: 1_999).isEmpty)  // changed, but within the second
        #expect(book.pendingChannels.count == 3)
        let events = book.publish(nowMs: 2_000)
        #expect(events.count == 3)
        #expect(F.rows(F.event(events, F.board(.day, .flowTime))).map(\.1) == [20, 5])  // both changes in one event
        #expect(book.publish(nowMs: 10_000).isEmpty)
    }

    @Test("a change below the top is published for own ranks only, reusing the shared frame")
    func belowTheTop() {
        var book = book((1...3).map { F.score("u\($0)", coding: Int64($0) * 100) }, topCount: 2)
        let first = F.event(book.publish(nowMs: 0), F.board(.day, .codingTime))
        book.apply(F.score("u1", coding: 50))  // 150: still third
        let second = F.event(book.publish(nowMs: 1_000), F.board(.day, .codingTime))
        #expect(second?.topChanged == false)
        #expect(second?.frame === first?.frame)
        #expect(second?.ownRank(of: "u1") == OwnRank(rank: 3, valueMs: 150, visible: true))
        book.apply(F.score("u1", coding: 100))  // 250: second, the top changed
        let third = F.event(book.publish(nowMs: 2_000), F.board(.day, .codingTime))
        #expect(third?.topChanged == true)
        #expect(F.names(third) == ["u3", "u1"])
    }

    @Test("rollover: a new day starts empty, the week keeps counting, late time for yesterday is dropped")
    func rollover() {
        var book = book([F.score("ada", coding: 100)])
        _ = book.publish(nowMs: 0)
        book.advance(to: F.tomorrow)  // a Monday: new day and new ISO week, same month
        let events = book.publish(nowMs: 1_000)
        #expect(F.rows(F.event(events, F.board(.day, .codingTime))).isEmpty)
        #expect(F.rows(F.event(events, F.board(.week, .codingTime))).isEmpty)
        #expect(F.event(events, F.board(.month, .codingTime)) == nil)  // month unchanged: no event
        #expect((F.json(F.event(events, F.board(.day, .codingTime))!.frame)["data"] as? [String: Any])?["period"] as? String == "2026-11-23")
        book.apply(F.score("bob", coding: 40, periods: F.today))  // late: day and week are past
        book.apply(F.score("cy", coding: 60, periods: F.tomorrow))
        let later = book.publish(nowMs: 2_000)
        #expect(F.names(F.event(later, F.board(.day, .codingTime))) == ["cy"])
        #expect(F.names(F.event(later, F.board(.month, .codingTime))) == ["ada", "cy", "bob"])
        // Keys going backwards are ignored.
        book.advance(to: F.yesterday)
        #expect(book.periods == F.tomorrow)
    }

    @Test("time for a later day (a time zone ahead) is kept and shown once that day is current")
    func aheadOfTheCalendar() {
        var book = book([F.score("kiri", coding: 70, periods: F.tomorrow), F.score("ada", coding: 10)])
        let events = book.publish(nowMs: 0)
        #expect(F.names(F.event(events, F.board(.day, .codingTime))) == ["ada"])
        book.advance(to: F.tomorrow)
        #expect(F.names(F.event(book.publish(nowMs: 1_000), F.board(.day, .codingTime))) == ["kiri"])
    }

    @Test("only a bounded number of future period keys collect time")
    func futureBound() {
        let far = (24...30).map { PeriodKeys(day: "2026-11-\($0)", week: "2026-W99", month: "2026-11") }
        let book = book(far.map { F.score("x", coding: 1, periods: $0) })
        #expect(book.boards[.day].count == 2)
    }

    @Test("rebuild from stored per-day totals restores global and per-language boards for current periods")
    func rebuild() {
        var book = book([
            .stored([
                StoredTotals(userId: "ada", displayName: "Ada", day: "2026-11-22", codingMs: 100, flowMs: 40, languageCodingMs: ["swift": 100]),
                StoredTotals(userId: "ada", displayName: "Ada", day: "2026-11-20", codingMs: 50, flowMs: 10, languageCodingMs: ["swift": 50]),
                StoredTotals(userId: "bob", displayName: "Bob", day: "2026-11-15", codingMs: 500, flowMs: 0),  // Sunday of the previous ISO week
                StoredTotals(userId: "cy", displayName: "Cy", day: "2026-10-31", codingMs: 900, flowMs: 900),  // previous month
                StoredTotals(userId: "bad", displayName: "Bad", day: "not-a-day", codingMs: 1, flowMs: 1),
            ])
        ])
        let events = book.publish(nowMs: 0)
        #expect(F.rows(F.event(events, F.board(.day, .codingTime))).map(\.1) == [100])
        #expect(F.rows(F.event(events, F.board(.week, .codingTime))).map(\.1) == [150])
        #expect(F.names(F.event(events, F.board(.month, .codingTime))) == ["Bob", "Ada"])
        #expect(F.rows(F.event(events, F.board(.week, .codingTime, "swift"))).map(\.1) == [150])
        #expect(F.rows(F.event(events, F.board(.week, .flowTime))).map(\.1) == [50])
    }

    /// Every visible row of the board behind `key`, best first.
    func entries(of book: LeaderboardBook, _ key: ChannelKey) -> [RankIndex.Entry] {
        guard case .leaderboard(let channel) = key else { return [] }
        return book.boards[channel.period][book.periods[channel.period]]?.ranking(channel)?.entries ?? []
    }

    @Test("a bulk rebuild sorts like one-by-one insertion, and live updates continue from it")
    func bulkEqualsIncremental() {
        var totals: [StoredTotals] = []
        for n in 0..<120 {
            let day = n % 3 == 0 ? "2026-11-20" : "2026-11-22"
            let coding = Int64((n * 7919) % 1000)
            let flow = Int64((n * 104_729) % 500)
            let go: [String: Int64] = ["go": Int64(n % 50)]
            totals.append(StoredTotals(
                userId: "u\(n)", displayName: "n\(n % 17)", day: day, codingMs: coding, flowMs: flow, languageCodingMs: go))
        }
        var bulk = book([.privacy(userId: "u5", leaderboardVisible: false), .stored(totals)])
        var incremental = book([.privacy(userId: "u5", leaderboardVisible: false)])
        for day in totals { incremental.apply(.stored([day])) }
        for key in [F.board(.week, .codingTime), F.board(.day, .flowTime), F.board(.week, .codingTime, "go")] {
            let a = entries(of: bulk, key)
            let b = entries(of: incremental, key)
            #expect(a == b)
            #expect(!a.isEmpty && !a.contains { $0.userId == "u5" })
        }
        bulk.apply(F.score("u1", coding: 5_000, name: "n1"))
        #expect(F.names(F.event(bulk.publish(nowMs: 0), F.board(.week, .codingTime))).first == "n1")
    }

    @Test("a display name change is reflected on every board")
    func rename() {
        var book = book([F.score("u1", coding: 10, language: "go", name: "old")])
        _ = book.publish(nowMs: 0)
        book.apply(F.score("u1", coding: 1, name: "new"))
        let events = book.publish(nowMs: 1_000)
        #expect(F.names(F.event(events, F.board(.day, .codingTime))) == ["new"])
        #expect(F.names(F.event(events, F.board(.day, .codingTime, "go"))) == ["new"])
    }
}
