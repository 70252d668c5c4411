import Testing
@testable import CoachingCore

/// PROTOCOL.md "Connecting": hello, token checks, scopes, the hello deadline, hand-over.
struct ShardConnectingTests {
    @Test("a hello with a valid token is answered with welcome, echoing the hello's id")
    func helloWelcome() {
        let harness = ShardHarness()
        let connection = harness.open()
        harness.send(connection, ["type": "hello", "token": "fc_i_a_b", "id": "h1"])
        #expect(harness.shell.recorded.contains { if case .checkToken(connection.id, "fc_i_a_b") = $0 { true } else { false } })
        harness.shard.tokenChecked(connection, outcome: .valid(ShardHarness.user("ada")), at: harness.time)
        let welcome = harness.last(connection)
        #expect(welcome["type"] as? String == "welcome" && welcome["ref"] as? String == "h1")
        #expect(connection.isAuthenticated)
    }

    @Test("a refused token gets unauthorized and close 1008")
    func refusedToken() {
        let harness = ShardHarness()
        let connection = harness.open()
        harness.send(connection, ["type": "hello", "token": "fc_i_a_b"])
        harness.shard.tokenChecked(connection, outcome: .refused(reason: "the token was revoked"), at: harness.time)
        #expect(harness.last(connection)["code"] as? String == "unauthorized")
        #expect(harness.shell.closes(of: connection.id) == [1008])
        #expect(!connection.isAuthenticated)
    }

    @Test("a header token that does not check out is refused with HTTP 401, a store outage with 503")
    func headerTokenRefusals() {
        let harness = ShardHarness()
        let refused = harness.shard.opened(id: 7, bearerToken: "fc_i_x_y", at: harness.time)
        harness.shard.tokenChecked(refused, outcome: .refused(reason: "the token is not known"), at: harness.time)
        let away = harness.shard.opened(id: 8, bearerToken: "fc_i_x_y", at: harness.time)
        harness.shard.tokenChecked(away, outcome: .unavailable, at: harness.time)
        let statuses = harness.shell.recorded.compactMap { if case .refuseUpgrade(let id, let status) = $0 { [id: status] } else { nil } }
        #expect(statuses == [[7: 401], [8: 503]])
    }

    @Test("any message before hello is refused with unauthorized and close 1008")
    func messageBeforeHello() {
        let harness = ShardHarness()
        let connection = harness.open()
        harness.send(connection, ["type": "ping"])
        #expect(harness.last(connection)["code"] as? String == "unauthorized")
        #expect(harness.shell.closes(of: connection.id) == [1008])
    }

    @Test("a connection that sends no hello within auth.hello_timeout_ms is refused")
    func helloDeadline() {
        var settings = CoachingSettings()
        settings.helloTimeoutMs = 2_000
        let harness = ShardHarness(settings: settings)
        let connection = harness.open()
        harness.advance(ms: 1_999)
        harness.shard.checkHelloDeadline(connection, at: harness.time)
        #expect(harness.shell.closes(of: connection.id).isEmpty)
        harness.advance(ms: 1)
        harness.shard.checkHelloDeadline(connection, at: harness.time)
        #expect(harness.shell.closes(of: connection.id) == [1008])
    }

    @Test("a read token may subscribe but not send data: forbidden")
    func readScope() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"), scope: .read)
        harness.send(connection, ["type": "session.start", "session": ShardHarness.newSession(), "at_ms": harness.time.wallMs])
        #expect(harness.last(connection)["code"] as? String == "forbidden")
        #expect(harness.shell.lookUps.isEmpty)
    }

    @Test("a user whose home is another loop is handed over once, and welcomed there")
    func handOver() {
        let user = ShardHarness.user("ada")
        let home = CoachingShard.homeLoop(of: user.user.id, loops: 2)
        let elsewhere = ShardHarness(loopIndex: 1 - home, loopCount: 2)
        let connection = elsewhere.open()
        elsewhere.send(connection, ["type": "hello", "token": "t", "id": "h"])
        elsewhere.shard.tokenChecked(connection, outcome: .valid(user), at: elsewhere.time)
        #expect(elsewhere.shell.recorded.contains { if case .handOver(connection.id, home) = $0 { true } else { false } })
        #expect(elsewhere.shard.liveUserCount == 0)
        let homeLoop = ShardHarness(loopIndex: home, loopCount: 2)
        connection.id = 42
        homeLoop.shard.adopted(connection, user: user, helloRef: RequestID("h"), at: homeLoop.time)
        #expect(homeLoop.last(connection)["type"] as? String == "welcome")
        #expect(homeLoop.shard.liveUserCount == 1)
    }

    @Test("past limits.connections_per_user a connection is refused with forbidden and 1008")
    func connectionsPerUser() {
        var settings = CoachingSettings()
        settings.maxConnectionsPerUser = 2
        let harness = ShardHarness(settings: settings)
        let user = ShardHarness.user("ada")
        _ = harness.connect(user)
        _ = harness.connect(user)
        let third = harness.connect(user)
        #expect(harness.last(third)["code"] as? String == "forbidden")
        #expect(harness.shell.closes(of: third.id) == [1008])
    }
}
