import Testing
import FlowEngine
@testable import CoachingCore

/// Rate limits, the consecutive-error limit, channels, privacy, breaks and purge.
struct ShardLimitsAndChannelsTests {
    @Test("past the burst, a message is rate_limited and names what was dropped")
    func rateLimit() {
        var settings = CoachingSettings()
        settings.messagesPerSecond = 10
        settings.messageBurst = 3
        let harness = ShardHarness(settings: settings)
        let connection = harness.connect(ShardHarness.user("ada"))
        for _ in 0..<3 { harness.send(connection, ["type": "ping"]) }
        harness.send(connection, ["type": "ping", "id": "p4"])
        let refused = harness.last(connection)
        #expect(refused["code"] as? String == "rate_limited" && refused["ref"] as? String == "p4")
        harness.advance(ms: 100)  // one token back at 10/s
        harness.send(connection, ["type": "ping"])
        #expect(harness.last(connection)["type"] as? String == "pong")
    }

    @Test("rejected messages in a row close the connection with 1008, whatever kind of rejection they are")
    func consecutiveErrors() {
        var settings = CoachingSettings()
        settings.maxConsecutiveErrors = 5
        let harness = ShardHarness(settings: settings)
        let connection = harness.connect(ShardHarness.user("ada"))
        for seq in 1...4 { harness.activity(connection, ShardHarness.newSession(), seq: Int64(seq)) }
        #expect(harness.shell.closes(of: connection.id).isEmpty)
        harness.send(connection, ["type": "nonsense"])
        #expect(harness.shell.closes(of: connection.id) == [1008])
    }

    @Test("an accepted message ends a run of rejected ones")
    func acceptedResetsTheRun() {
        var settings = CoachingSettings()
        settings.maxConsecutiveErrors = 3
        let harness = ShardHarness(settings: settings)
        let connection = harness.connect(ShardHarness.user("ada"))
        for _ in 0..<10 {
            harness.send(connection, ["type": "nonsense"])
            harness.send(connection, ["type": "nonsense"])
            harness.send(connection, ["type": "ping"])
        }
        #expect(harness.shell.closes(of: connection.id).isEmpty)
    }

    @Test("subscribing to stats:me answers subscribed and delivers a snapshot; another user's channel is forbidden")
    func statsSubscription() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"), scope: .read)
        harness.send(connection, ["type": "subscribe", "channel": "stats:me", "id": "s"])
        #expect(harness.last(connection)["type"] as? String == "subscribed")
        #expect(harness.shell.recorded.contains { if case .snapshot(connection.id, .userStats) = $0 { true } else { false } })
        harness.send(connection, ["type": "subscribe", "channel": "team:60db561f-0046-426a-be2b-034a59bb1b87"])
        #expect(harness.last(connection)["code"] as? String == "forbidden")
    }

    @Test("stats:me is published when the user's stats changed, at most once per publish interval")
    func statsPublication() {
        var settings = CoachingSettings()
        settings.publishIntervalMs = 1_000
        let harness = ShardHarness(settings: settings)
        let user = ShardHarness.user("ada")
        let dashboard = harness.connect(user, scope: .read)
        harness.send(dashboard, ["type": "subscribe", "channel": "stats:me"])
        let editor = harness.connect(user)
        let session = ShardHarness.newSession()
        harness.start(editor, session)
        harness.activity(editor, session, seq: 1)
        harness.tick(for: 500)
        let published = harness.shell.recorded.filter { if case .published(.userStats) = $0 { true } else { false } }
        #expect(published.count == 1)
        harness.tick(for: 500)
        let again = harness.shell.recorded.filter { if case .published(.userStats) = $0 { true } else { false } }
        #expect(again.count == 1, "nothing changed: nothing published")
    }

    @Test("privacy.set is stored through the writer, applied to the leaderboards, and acknowledged")
    func privacy() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        harness.send(connection, ["type": "privacy.set", "leaderboard_visible": false, "id": "p"])
        #expect(harness.last(connection)["type"] as? String == "ack")
        #expect(harness.shell.jobs.count == 1)
        #expect(harness.shell.recorded.contains {
            if case .leaderboard(.privacy(_, leaderboardVisible: false)) = $0 { true } else { false }
        })
        harness.shell.acceptsJobs = false
        harness.send(connection, ["type": "privacy.set", "leaderboard_visible": true])
        #expect(harness.last(connection)["code"] as? String == "internal")
    }

    @Test("a break becomes due after sustained activity; it is delivered once and break.ack answers ack")
    func breakRoundTrip() throws {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        let windowMs: Int64 = 25_000
        let start = harness.time.wallMs
        harness.start(connection, session, atMs: start)
        var reminder: [String: Any]?
        for seq in 1...200 where reminder == nil {
            harness.advance(ms: windowMs)
            // Steady typing, with a context-switch storm now and then to end any flow
            // (a break is never delivered during flow).
            harness.activity(connection, session, seq: Int64(seq), windowMs: windowMs, keystrokes: 160,
                             switches: seq % 10 == 0 ? 12 : 0)
            reminder = harness.shell.messages(to: connection.id).first { $0["type"] as? String == "break" }
        }
        let due = try #require(reminder)
        let id = try #require(due["reminder"] as? String)
        harness.send(connection, ["type": "break.ack", "reminder": id, "action": "taken", "id": "b"])
        #expect(harness.last(connection)["type"] as? String == "ack")
        harness.send(connection, ["type": "break.ack", "reminder": id, "action": "taken"])
        #expect(harness.last(connection)["code"] as? String == "invalid_field")
    }

    @Test("a purge drops the user's live sessions, closes their connections with 1008 and purges again behind queued checkpoints")
    func purge() {
        let harness = ShardHarness()
        let user = ShardHarness.user("ada")
        let connection = harness.connect(user)
        let bystander = harness.connect(ShardHarness.user("bob"))
        let session = ShardHarness.newSession()
        harness.start(connection, session)
        harness.activity(connection, session, seq: 1)
        harness.shard.purge(userId: user.user.id, at: harness.time)
        #expect(harness.shell.closes(of: connection.id) == [1008])
        #expect(harness.shell.closes(of: bystander.id).isEmpty)
        #expect(harness.shell.jobs.map(\.name) == ["second purge"])
    }
}

/// `flow` explains itself: the four component scores always, the reason once the state changed.
struct ShardFlowExplanationTests {
    @Test("flow carries the four component scores, and the reason of the last change once there was one")
    func componentsAndReason() throws {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        harness.start(connection, session, atMs: harness.time.wallMs)
        var reached: [String: Any]?
        for seq in 1...40 where reached == nil {
            harness.advance(ms: 25_000)
            harness.activity(connection, session, seq: Int64(seq), windowMs: 25_000, keystrokes: 160)
            let flow = harness.last(connection)
            let components = try #require(flow["components"] as? [String: Any])
            #expect(Set(components.keys) == ["rhythm", "focus", "errors", "focus_time"])
            if flow["state"] as? String == "flow" { reached = flow }
        }
        let flow = try #require(reached, "steady typing with full focus reaches flow")
        #expect(flow["reason"] as? String == "steady_rhythm")
        harness.advance(ms: 25_000)
        harness.activity(connection, session, seq: 41, windowMs: 25_000, keystrokes: 160, switches: 12)
        #expect(harness.last(connection)["reason"] as? String == "context_switches")
    }
}

/// The goal streak of `stats:me` comes from the store, so a restart does not reset it.
struct ShardStreakTests {
    static func user(streak: Int, beforeDay: Int64) -> AuthenticatedUser {
        var user = ShardHarness.user("ada")
        user.profile.goalStreak = StoredStreak(days: streak, beforeDay: beforeDay)
        return user
    }

    @Test("the stored streak shows before today's goal is met, and today adds one once it is")
    func storedStreakContinues() throws {
        var settings = CoachingSettings()
        settings.publishIntervalMs = 0
        let harness = ShardHarness(settings: settings)
        let today = harness.time.wallMs / 86_400_000
        let dashboard = harness.connect(Self.user(streak: 3, beforeDay: today), scope: .read)
        harness.send(dashboard, ["type": "subscribe", "channel": "stats:me"])
        #expect(harness.shell.latestStats?["streak_days"] as? Int == 3)
        let editor = harness.connect(Self.user(streak: 3, beforeDay: today))
        let session = ShardHarness.newSession()
        let start = harness.time.wallMs - 3_600_000 - 60_000
        harness.start(editor, session, atMs: start)
        for index in 1...7 {  // 7 active windows of 10 minutes: over the 1-hour goal
            harness.activity(editor, session, seq: Int64(index), atMs: start + Int64(index) * 600_000, windowMs: 600_000)
        }
        harness.tick(for: 500)
        #expect(harness.shell.latestStats?["streak_days"] as? Int == 4)
    }

    @Test("a stored streak that ended before yesterday does not carry over")
    func staleStreakResets() {
        let harness = ShardHarness()
        let today = harness.time.wallMs / 86_400_000
        let dashboard = harness.connect(Self.user(streak: 5, beforeDay: today - 2), scope: .read)
        harness.send(dashboard, ["type": "subscribe", "channel": "stats:me"])
        #expect(harness.shell.latestStats?["streak_days"] as? Int == 0, "yesterday had no goal day: the streak broke")
    }
}
