import CoachingTestSupport
import Testing
@testable import CoachingCore

/// Leaderboard time leaves the shard once per tick, each user named by the shard's number
/// for them: identified to the owner before the first score that uses it, given back only
/// after a leaving user's last time went out.
struct ShardScoreTests {
    private typealias F = LeaderboardFixture
    private let session = "5b1f3c2a-7d4e-4a8b-9c0d-1e2f3a4b5c6d"
    private let otherSession = "6c2a4d3b-8e5f-4b9c-8d1e-2f3a4b5c6d7e"

    /// The leaderboard inputs the shard sent so far.
    private func inputs(_ harness: ShardHarness) -> [LeaderboardInput] {
        harness.shell.recorded.compactMap { if case .leaderboard(let input) = $0 { input } else { nil } }
    }

    /// A book fed everything the shard sent, and its day board by coding time.
    private func dayRows(_ harness: ShardHarness) -> [(String, Int64, Int)] {
        var book = LeaderboardBook(periods: PeriodKeys(utcMs: harness.time.wallMs))
        for input in inputs(harness) { book.apply(input) }
        return F.rows(F.event(book.publish(nowMs: 0), F.board(.day, .codingTime)))
    }

    /// Ada connected, with a session whose first window's time went out in a tick.
    private func adaScored(_ harness: ShardHarness) -> CoachingConnection {
        let ada = harness.connect(ShardHarness.user("ada"))
        harness.start(ada, session)
        harness.activity(ada, session, seq: 1)
        harness.tick(for: 1_000)
        return ada
    }

    @Test("a user's first time follows the identity of their number; later time reuses the number")
    func identifiedOnce() throws {
        let harness = ShardHarness(loopIndex: 1, loopCount: 2)
        let ada = adaScored(harness)
        let first = inputs(harness)
        #expect(first.count == 2)
        guard case .identify(let subject, let userId, let name) = try #require(first.first) else {
            Issue.record("no identity first: \(first)")
            return
        }
        #expect(subject.shard == 1)
        #expect(userId == ShardHarness.user("ada").user.id)
        #expect(name == "Ada")
        guard case .numberedScore(let delta) = first.last else {
            Issue.record("no numbered score: \(first)")
            return
        }
        #expect(delta.subject == subject)
        #expect(delta.codingMsDelta > 0)

        harness.tick(for: 4_000)
        harness.activity(ada, session, seq: 2)
        harness.tick(for: 1_000)
        let later = inputs(harness).dropFirst(first.count)
        #expect(later.count == 1)
        guard case .numberedScore(let second) = later.first else {
            Issue.record("no numbered score: \(Array(later))")
            return
        }
        #expect(second.subject == subject)
        #expect(dayRows(harness).map(\.0) == ["Ada"])
    }

    @Test("a user who left is shown by name and their number passes to the next user, identified first")
    func leftUserKeepsNameAndNumber() {
        let harness = ShardHarness()
        let ada = adaScored(harness)
        harness.tick(for: 4_000)
        harness.activity(ada, session, seq: 2)
        // The session ends and the connection goes; when the ended session is let go (after
        // the resume window), one tick retires it (its time parked), drops the idle user,
        // and flushes.
        harness.send(ada, ["type": "session.end", "session": session, "seq": 2, "at_ms": harness.time.wallMs])
        harness.shard.closed(ada, at: harness.time)
        harness.tick(for: harness.shard.settings.resumeWindowMs + 60_000)
        #expect(harness.shard.users[ShardHarness.user("ada").user.id] == nil)
        #expect(harness.shard.leavingUsers.isEmpty)
        #expect(harness.shard.scoreNumbers.held == 0)

        let bob = harness.connect(ShardHarness.user("bob"))
        harness.start(bob, otherSession)
        harness.activity(bob, otherSession, seq: 1)
        harness.tick(for: 1_000)

        let sent = inputs(harness)
        let identities = sent.compactMap { if case .identify(let subject, _, let name) = $0 { (subject, name) } else { nil } }
        #expect(identities.map(\.1) == ["Ada", "Bob"])
        #expect(identities.map(\.0.number) == [0, 0])  // Bob got Ada's number back
        #expect(!sent.contains { if case .score = $0 { true } else { false } })  // nobody named by id
        let rows = dayRows(harness)
        #expect(Set(rows.map(\.0)) == ["Ada", "Bob"])
        #expect(rows.first { $0.0 == "Ada" }?.1 == 10_000)  // both of Ada's windows
    }

    @Test("time parked for a user dropped before the flush goes out under their number, which is given back after")
    func droppedBeforeFlush() {
        let harness = ShardHarness()
        _ = adaScored(harness)  // Ada has a number now
        let adaId = ShardHarness.user("ada").user.id
        harness.shard.pendingScores[ScoreKey(userId: adaId, language: "go", utcDay: harness.time.wallMs / 86_400_000)] =
            ScoreAmount(codingMs: 7_000, flowMs: 0)
        harness.shard.dropUser(adaId)
        #expect(harness.shard.scoreNumbers.held == 1)  // not given back before the flush
        harness.shard.flushScores()
        #expect(harness.shard.scoreNumbers.held == 0)
        let last = inputs(harness).last
        guard case .numberedScore(let delta) = last else {
            Issue.record("not a numbered score: \(String(describing: last))")
            return
        }
        #expect(delta.codingMsDelta == 7_000)
        #expect(delta.language == "go")
        #expect(dayRows(harness).map(\.0) == ["Ada"])
    }

    @Test("a new display name is identified again before the next score")
    func renamedUserIdentifiedAgain() {
        let harness = ShardHarness()
        let ada = adaScored(harness)
        var renamed = ShardHarness.user("ada")
        renamed.user.displayName = "Ada L."
        _ = harness.connect(renamed)  // a new connection brings the account as stored now
        harness.tick(for: 4_000)
        harness.activity(ada, session, seq: 2)
        harness.tick(for: 1_000)
        let names = inputs(harness).compactMap { if case .identify(_, _, let name) = $0 { name } else { nil } }
        #expect(names == ["Ada", "Ada L."])
        #expect(dayRows(harness).map(\.0) == ["Ada L."])
    }
}
