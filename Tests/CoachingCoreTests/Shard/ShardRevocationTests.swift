import Testing
@testable import CoachingCore

/// Revocation reaches open connections (PROTOCOL.md "Connecting"): a revoked token closes
/// its connections, and a repeated `hello` re-checks its token.
struct ShardRevocationTests {
    @Test("a revoked token closes every connection it authenticated with unauthorized and 1008, and no other")
    func revokedTokenCloses() {
        let harness = ShardHarness()
        let ada = harness.connect(ShardHarness.user("ada"))
        let adaAgain = harness.connect(ShardHarness.user("ada"))
        let bob = harness.connect(ShardHarness.user("bob"))
        harness.shard.tokensRevoked(["t-ada"], at: harness.time)
        #expect(harness.shell.closes(of: ada.id) == [1008])
        #expect(harness.shell.closes(of: adaAgain.id) == [1008])
        #expect(harness.last(ada)["code"] as? String == "unauthorized")
        #expect(harness.shell.closes(of: bob.id).isEmpty)
        // Reported again by the next look: nothing more happens.
        harness.shard.tokensRevoked(["t-ada"], at: harness.time)
        #expect(harness.shell.closes(of: ada.id) == [1008])
    }

    @Test("a second hello with a token checks it again; a refused one closes the connection")
    func repeatedHelloRechecks() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        let checksBefore = harness.shell.recorded.filter { if case .checkToken = $0 { true } else { false } }.count
        harness.send(connection, ["type": "hello", "token": "fc_i_a_b", "id": "h2"])
        let checksAfter = harness.shell.recorded.filter { if case .checkToken = $0 { true } else { false } }.count
        #expect(checksAfter == checksBefore + 1)  // answered only after the check
        harness.shard.tokenChecked(connection, outcome: .refused(reason: "the token was revoked"), at: harness.time)
        #expect(harness.last(connection)["code"] as? String == "unauthorized")
        #expect(harness.last(connection)["ref"] as? String == "h2")
        #expect(harness.shell.closes(of: connection.id) == [1008])
    }

    @Test("a second hello with a valid token of the same user is welcomed; another user's is forbidden")
    func repeatedHelloValid() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        harness.send(connection, ["type": "hello", "token": "fc_i_a_b", "id": "h2"])
        harness.shard.tokenChecked(connection, outcome: .valid(ShardHarness.user("ada")), at: harness.time)
        #expect(harness.last(connection)["type"] as? String == "welcome")
        #expect(harness.last(connection)["ref"] as? String == "h2")
        harness.send(connection, ["type": "hello", "token": "fc_i_c_d", "id": "h3"])
        harness.shard.tokenChecked(connection, outcome: .valid(ShardHarness.user("bob")), at: harness.time)
        #expect(harness.last(connection)["code"] as? String == "forbidden")
        #expect(harness.shell.closes(of: connection.id) == [1008])
    }
}
