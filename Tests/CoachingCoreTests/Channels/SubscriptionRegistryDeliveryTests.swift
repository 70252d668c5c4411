import Testing

@testable import CoachingCore

/// Fan-out and slow readers: "a slow reader receives the latest snapshot, not a backlog".
struct SubscriptionRegistryDeliveryTests {
    let key = ChannelKey.leaderboard(LeaderboardChannel(period: .day, metric: .codingTime))

    func event(_ text: String, topChanged: Bool = true, ranking: RankIndex? = nil) -> ChannelEvent {
        ChannelEvent(key: key, frame: SharedFrame(textPayload: Array(text.utf8)), topChanged: topChanged, ownRanks: ranking?.ownRankTable())
    }

    func text(_ frame: SharedFrame) -> String { String(decoding: frame.payload, as: UTF8.self) }

    /// The JSON payload of one complete unmasked frame (7- or 16-bit length).
    func text(_ bytes: UnsafeRawBufferPointer) -> String {
        let headerCount = bytes[1] == 126 ? 4 : 2
        return String(decoding: bytes[headerCount...], as: UTF8.self)
    }

    @Test("one publication writes the same frame object to every subscriber that keeps up")
    func fanOutByReference() throws {
        var registry = SubscriptionRegistry()
        for token in UInt64(1)...100 { try registry.subscribe(token, userId: "u\(token)", to: key) }
        let published = event("a")
        var written: [UInt64: [UInt8]] = [:]
        let count = registry.publish(published, isBackedUp: { _ in false }) { written[$0] = Array($1) }
        #expect(count == 100)
        #expect(written.count == 100)
        #expect(written.values.allSatisfy { $0 == published.frame.bytes })
    }

    @Test("a backed-up reader holds only the latest frame of a channel, however many were published")
    func coalescing() throws {
        var registry = SubscriptionRegistry()
        try registry.subscribe(1, userId: "ada", to: key)
        try registry.subscribe(2, userId: "bob", to: key)
        var toBob: [String] = []
        for n in 1...5 {
            registry.publish(event("v\(n)"), isBackedUp: { $0 == 1 }) { token, bytes in
                if token == 2 { toBob.append(text(bytes)) } else { Issue.record("wrote to a backed-up reader") }
            }
        }
        #expect(toBob == ["v1", "v2", "v3", "v4", "v5"])
        #expect(registry.pendingCount(of: 1) == 1)
        #expect(registry.drained(1).map(text) == ["v5"])
        #expect(registry.drained(1).isEmpty)
        #expect(!registry.hasPending(1))
    }

    @Test("held frames of several channels are released in first-held order, one per channel")
    func severalChannels() throws {
        var registry = SubscriptionRegistry()
        let team = ChannelKey.team(id: "core")
        try registry.subscribe(1, userId: "ada", to: key)
        try registry.subscribe(1, userId: "ada", to: team)
        registry.publish(event("board-1"), isBackedUp: { _ in true }) { _, _ in }
        registry.publish(ChannelEvent(key: team, frame: SharedFrame(textPayload: Array("team-1".utf8))), isBackedUp: { _ in true }) { _, _ in }
        registry.publish(event("board-2"), isBackedUp: { _ in true }) { _, _ in }
        #expect(registry.drained(1).map(text) == ["board-2", "team-1"])
    }

    @Test("a delivery to a reader that recovered before drained() releases held frames first, then the new one")
    func recoveredBeforeDrain() throws {
        var registry = SubscriptionRegistry()
        let team = ChannelKey.team(id: "core")
        try registry.subscribe(1, userId: "ada", to: key)
        try registry.subscribe(1, userId: "ada", to: team)
        registry.publish(ChannelEvent(key: team, frame: SharedFrame(textPayload: Array("team-1".utf8))), isBackedUp: { _ in true }) { _, _ in }
        var written: [String] = []
        registry.publish(event("board-1"), isBackedUp: { _ in false }) { _, bytes in written.append(text(bytes)) }
        #expect(written == ["team-1", "board-1"])
        #expect(!registry.hasPending(1))
    }

    @Test("an event whose shared part did not change is not re-sent to existing subscribers")
    func unchangedTop() throws {
        var registry = SubscriptionRegistry()
        try registry.subscribe(1, userId: "ada", to: key)
        let count = registry.publish(event("same", topChanged: false), isBackedUp: { _ in false }) { _, _ in
            Issue.record("unchanged frame written")
        }
        #expect(count == 0)
    }

    /// A leaderboard-shaped payload (the own part is spliced in before its closing `}}`).
    func board(_ top: String) -> String { #"{"type":"event","data":{"top":""# + top + #""}}"# }

    @Test("own ranks go only to their user, only when they changed, in the same one event as the board")
    func ownRanks() throws {
        var ranking = RankIndex()
        ranking.set(userId: "ada", name: "ada", valueMs: 300, visible: true)
        ranking.set(userId: "bob", name: "bob", valueMs: 200, visible: true)
        var registry = SubscriptionRegistry()
        try registry.subscribe(1, userId: "ada", to: key)
        try registry.subscribe(2, userId: "bob", to: key)
        try registry.subscribe(3, userId: "cy", to: key)  // not ranked: no own part
        var written: [UInt64: [String]] = [:]
        registry.publish(event(board("T"), ranking: ranking), isBackedUp: { _ in false }) { written[$0, default: []].append(text($1)) }
        #expect(written[1] == [#"{"type":"event","data":{"top":"T","own":{"rank":1,"value_ms":300,"visible":true}}}"#])
        #expect(written[2] == [#"{"type":"event","data":{"top":"T","own":{"rank":2,"value_ms":200,"visible":true}}}"#])
        #expect(written[3] == [board("T")])

        // Bob overtakes Ada: both ranks changed (the top is unchanged in this test): one
        // event each, the board with their new own rank.
        ranking.set(userId: "bob", name: "bob", valueMs: 400, visible: true)
        written = [:]
        registry.publish(event(board("T"), topChanged: false, ranking: ranking), isBackedUp: { _ in false }) { written[$0, default: []].append(text($1)) }
        #expect(written[1]?.count == 1 && written[1]?[0].contains(#""own":{"rank":2,"#) == true)
        #expect(written[2]?.count == 1 && written[2]?[0].contains(#""own":{"rank":1,"#) == true)
        #expect(written[3] == nil)

        // Nothing changed: nothing is written.
        written = [:]
        registry.publish(event(board("T"), topChanged: false, ranking: ranking), isBackedUp: { _ in false }) { written[$0, default: []].append(text($1)) }
        #expect(written.isEmpty)

        // A snapshot for one subscriber is one event with the board and the own rank.
        var snapshot: [String] = []
        registry.deliver(event(board("T"), topChanged: false, ranking: ranking), to: 1, isBackedUp: false, asSnapshot: true) { snapshot.append(text($0)) }
        #expect(snapshot == [#"{"type":"event","data":{"top":"T","own":{"rank":2,"value_ms":300,"visible":true}}}"#])
    }

    @Test("a backed-up reader keeps only the latest event, own rank included")
    func ownRankCoalescing() throws {
        var ranking = RankIndex()
        ranking.set(userId: "ada", name: "ada", valueMs: 100, visible: true)
        var registry = SubscriptionRegistry()
        try registry.subscribe(1, userId: "ada", to: key)
        registry.publish(event(board("t1"), ranking: ranking), isBackedUp: { _ in true }) { _, _ in }
        ranking.set(userId: "zed", name: "zed", valueMs: 500, visible: true)
        registry.publish(event(board("t2"), ranking: ranking), isBackedUp: { _ in true }) { _, _ in }
        let held = registry.drained(1).map(text)
        #expect(held == [#"{"type":"event","data":{"top":"t2","own":{"rank":2,"value_ms":100,"visible":true}}}"#])
    }

    @Test("a combined event longer than 125 bytes gets the 16-bit length")
    func combinedLongFrame() throws {
        var ranking = RankIndex()
        ranking.set(userId: "ada", name: "ada", valueMs: 1, visible: false)
        var registry = SubscriptionRegistry()
        try registry.subscribe(1, userId: "ada", to: key)
        let long = String(repeating: "x", count: 300)
        var frames: [[UInt8]] = []
        registry.publish(event(board(long), ranking: ranking), isBackedUp: { _ in false }) { frames.append(Array($1)) }
        let frame = try #require(frames.first)
        #expect(frame[0] == 0x81 && frame[1] == 126)
        #expect(Int(frame[2]) << 8 | Int(frame[3]) == frame.count - 4)
        #expect(frame.withUnsafeBytes { text($0) }.hasSuffix(#""own":{"rank":1,"value_ms":1,"visible":false}}}"#))
    }

    @Test("deliver to a connection not subscribed to the channel writes nothing")
    func deliverUnsubscribed() {
        var registry = SubscriptionRegistry()
        let count = registry.deliver(event("x"), to: 9, isBackedUp: false, asSnapshot: true) { _ in
            Issue.record("wrote to a stranger")
        }
        #expect(count == 0)
    }
}
