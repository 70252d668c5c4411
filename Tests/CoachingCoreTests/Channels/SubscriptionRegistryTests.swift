import Testing

@testable import CoachingCore

/// The per-loop subscription table: add, remove, limits, disconnect cleanup.
struct SubscriptionRegistryTests {
    let dayFlow = ChannelKey.leaderboard(LeaderboardChannel(period: .day, metric: .flowTime))
    let weekCoding = ChannelKey.leaderboard(LeaderboardChannel(period: .week, metric: .codingTime))

    func subscribers(_ registry: SubscriptionRegistry, _ key: ChannelKey) -> [UInt64] {
        var tokens: [UInt64] = []
        registry.forEachSubscriber(of: key) { tokens.append($0) }
        return tokens.sorted()
    }

    @Test("subscribing adds the connection to the channel once; a repeat changes nothing")
    func subscribeTwice() throws {
        var registry = SubscriptionRegistry()
        let first = try registry.subscribe(1, userId: "ada", to: dayFlow)
        let second = try registry.subscribe(1, userId: "ada", to: dayFlow)
        #expect(first)
        #expect(!second)
        #expect(subscribers(registry, dayFlow) == [1])
        #expect(registry.channels(of: 1) == [dayFlow])
    }

    @Test("unsubscribing removes only that channel and reports whether it was subscribed")
    func unsubscribe() throws {
        var registry = SubscriptionRegistry()
        try registry.subscribe(1, userId: "ada", to: dayFlow)
        try registry.subscribe(1, userId: "ada", to: weekCoding)
        try registry.subscribe(2, userId: "bob", to: dayFlow)
        let removed = registry.unsubscribe(1, from: dayFlow)
        let again = registry.unsubscribe(1, from: dayFlow)
        #expect(removed)
        #expect(!again)
        #expect(subscribers(registry, dayFlow) == [2])
        #expect(subscribers(registry, weekCoding) == [1])
        #expect(registry.channels(of: 1) == [weekCoding])
    }

    @Test("swap-removal keeps every remaining subscriber reachable and removable")
    func swapRemoval() throws {
        var registry = SubscriptionRegistry()
        for token in UInt64(1)...6 { try registry.subscribe(token, userId: "u\(token)", to: dayFlow) }
        var removed = [registry.unsubscribe(2, from: dayFlow)]  // 6 moves into 2's slot
        removed.append(registry.unsubscribe(6, from: dayFlow))  // the moved one must still be found
        removed.append(registry.unsubscribe(1, from: dayFlow))
        #expect(removed == [true, true, true])
        #expect(subscribers(registry, dayFlow) == [3, 4, 5])
        for token in UInt64(3)...5 {
            let found = registry.unsubscribe(token, from: dayFlow)
            #expect(found)
        }
        #expect(registry.subscriberCount(of: dayFlow) == 0)
        #expect(registry.subscribedChannels.isEmpty)
    }

    @Test("a connection at its subscription limit gets too_large naming the limit, and keeps what it has")
    func limit() throws {
        var registry = SubscriptionRegistry(configuration: .init(maxSubscriptionsPerConnection: 2))
        try registry.subscribe(1, userId: "ada", to: dayFlow)
        try registry.subscribe(1, userId: "ada", to: weekCoding)
        #expect(throws: SubscriptionError.tooManySubscriptions(limit: 2)) {
            try registry.subscribe(1, userId: "ada", to: .team(id: "core"))
        }
        #expect(SubscriptionError.tooManySubscriptions(limit: 2).code == "too_large")
        #expect(SubscriptionError.tooManySubscriptions(limit: 2).message.contains("at most 2"))
        #expect(registry.channels(of: 1).count == 2)
        // Another connection is not affected by the first one's limit.
        try registry.subscribe(2, userId: "bob", to: .team(id: "core"))
        // Freeing a slot lets the first one subscribe again.
        registry.unsubscribe(1, from: dayFlow)
        let resubscribed = try registry.subscribe(1, userId: "ada", to: .team(id: "core"))
        #expect(resubscribed)
    }

    @Test("the default limit is 32 subscriptions per connection")
    func defaultLimit() throws {
        var registry = SubscriptionRegistry()
        for index in 0..<32 { try registry.subscribe(7, userId: "ada", to: .team(id: "t\(index)")) }
        #expect(throws: SubscriptionError.tooManySubscriptions(limit: 32)) {
            try registry.subscribe(7, userId: "ada", to: .team(id: "t32"))
        }
    }

    @Test("disconnect removes every subscription and held frame of the connection, and nobody else's")
    func disconnect() throws {
        var registry = SubscriptionRegistry()
        try registry.subscribe(1, userId: "ada", to: dayFlow)
        try registry.subscribe(1, userId: "ada", to: weekCoding)
        try registry.subscribe(1, userId: "ada", to: .userStats(userId: "ada"))
        try registry.subscribe(2, userId: "bob", to: dayFlow)
        try registry.subscribe(3, userId: "cy", to: weekCoding)
        let event = ChannelEvent(key: dayFlow, frame: SharedFrame(textPayload: Array("{}".utf8)))
        registry.publish(event, isBackedUp: { $0 == 1 }, write: { _, _ in })
        #expect(registry.hasPending(1))
        registry.disconnect(1)
        #expect(!registry.hasPending(1))
        #expect(registry.drained(1).isEmpty)
        #expect(registry.channels(of: 1).isEmpty)
        #expect(subscribers(registry, dayFlow) == [2])
        #expect(subscribers(registry, weekCoding) == [3])
        #expect(registry.subscriberCount(of: .userStats(userId: "ada")) == 0)
        // The token may be reused by a new connection from a clean slate.
        try registry.subscribe(1, userId: "dee", to: dayFlow)
        #expect(subscribers(registry, dayFlow) == [1, 2])
    }
}
