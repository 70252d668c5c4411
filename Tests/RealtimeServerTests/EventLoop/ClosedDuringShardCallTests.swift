@testable import CoachingCore
import FlowEngine
import LoopKit
import Testing
@testable import RealtimeServer

/// A connection whose peer reset is closed by the loop's failed write while the coaching
/// shard is fanning a channel event out: the shard must hear of the close only once its
/// method has returned. Told from inside, the shard changed its subscription registry in
/// the middle of the registry's own `publish`: Swift's exclusivity check traps there ("Fatal
/// access conflict detected", which took the server down under a reconnect storm), and
/// without the check the publish would put the closed subscriber back when it returned.
///
/// Each test replays the race exactly: the resets have reached the server's sockets, and
/// the loop handles the publish before their events.
struct ClosedDuringShardCallTests {
    static let board = "leaderboard:week:flow_time"
    static let boardKey = ChannelKey.leaderboard(LeaderboardChannel(period: .week, metric: .flowTime))

    @Test("a leaderboard publish reaches the live subscribers while two whose peers reset are closed under it; the shard forgets those two")
    func publishOverResetSubscribers() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        var peers: [(peer: TestWebSocketPeer, connection: ClientConnection)] = []
        for index in 0..<5 {
            let client = try harness.connect(as: LoopOnTestThread.user("u\(index)"))
            harness.send(#"{"type":"subscribe","channel":"\#(Self.board)","id":"s"}"#, from: client.peer, on: client.connection)
            #expect(client.peer.nextText()?.contains(#""type":"subscribed""#) == true)
            peers.append(client)
        }
        #expect(loop.shard.registry.subscriberCount(of: Self.boardKey) == 5)

        let resetIndices: Set = [1, 3]
        for index in resetIndices.sorted() {
            peers[index].peer.reset()
            #expect(harness.waitForReset(of: peers[index].connection))
        }
        let first = Self.boardEvent(topValueMs: 1_000)
        harness.deliver(.publish(ChannelEvent(key: Self.boardKey, frame: SharedFrame(textPayload: Array(first.utf8)))))

        for (index, client) in peers.enumerated() {
            if resetIndices.contains(index) {
                #expect(loop.connection(for: client.connection.token) == nil, "a failed write closes the connection")
                #expect(loop.shard.registry.channels(of: client.connection.token).isEmpty)
            } else {
                #expect(client.peer.nextText() == first)
            }
        }
        #expect(loop.shard.registry.subscriberCount(of: Self.boardKey) == 3)

        // The channel goes on serving exactly the three that are left.
        let second = Self.boardEvent(topValueMs: 2_000)
        harness.deliver(.publish(ChannelEvent(key: Self.boardKey, frame: SharedFrame(textPayload: Array(second.utf8)))))
        for (index, client) in peers.enumerated() where !resetIndices.contains(index) {
            #expect(client.peer.nextText() == second)
        }
    }

    @Test("stats:me published by the coaching tick reaches a user's live connections while one whose peer reset is closed under it; the user keeps the other two")
    func tickPublishOverResetConnection() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        let user = LoopOnTestThread.user("ada")
        var peers: [(peer: TestWebSocketPeer, connection: ClientConnection)] = []
        for _ in 0..<3 {
            let client = try harness.connect(as: user)
            harness.send(#"{"type":"subscribe","channel":"stats:me","id":"s"}"#, from: client.peer, on: client.connection)
            #expect(client.peer.nextText()?.contains(#""type":"subscribed""#) == true)
            #expect(client.peer.nextText()?.contains(#""channel":"stats:me""#) == true)  // the snapshot
            peers.append(client)
        }
        let statsKey = ChannelKey.userStats(userId: user.user.id)
        #expect(loop.shard.registry.subscriberCount(of: statsKey) == 3)

        // Heartbeats stored for today: the next tick publishes the changed stats.
        let today = PeriodKeys(daysSinceEpoch: LocalTime.day(atMs: WallClock.nowMs(), utcOffsetMs: 0)).day
        harness.deliver(.storedDaysChanged(userId: user.user.id, added: [UserDayTotals(
            userId: user.user.id, day: today, activeMs: 60_000, flowMs: 0, keystrokes: 0, linesAdded: 0, linesDeleted: 0,
            sessions: 0, languageMs: [:])]))
        peers[1].peer.reset()
        #expect(harness.waitForReset(of: peers[1].connection))
        loop.coachingTick()

        for index in [0, 2] {
            let event = peers[index].peer.nextText()
            #expect(event?.contains(#""channel":"stats:me""#) == true)
            #expect(event?.contains(#""active_ms":60000"#) == true)
        }
        #expect(loop.connection(for: peers[1].connection.token) == nil, "a failed write closes the connection")
        #expect(loop.shard.registry.subscriberCount(of: statsKey) == 2)
        #expect(loop.shard.users[user.user.id]?.connections.count == 2)
    }

    /// A leaderboard event as the owner encodes it (its content does not matter here).
    static func boardEvent(topValueMs: Int) -> String {
        #"{"type":"event","channel":"\#(board)","data":{"period":"2026-W49","top":[{"rank":1,"name":"u0","value_ms":\#(topValueMs)}],"ranked":1}}"#
    }
}
