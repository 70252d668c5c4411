import Synchronization
import Testing
@testable import CoachingCore

/// Several nodes: a user given up by this node (another node took them over, or the
/// cluster session was lost) is checkpointed, disconnected with 1012 and forgotten.
struct ShardOwnershipTests {
    private let session = "7f0c7a4e-4c1b-4bde-9a35-5a6d1c9e0b11"

    @Test("relinquishing a user checkpoints their sessions, closes only their connections with 1012 and forgets them")
    func relinquishCheckpointsClosesAndForgets() {
        let harness = ShardHarness()
        let ada = harness.connect(ShardHarness.user("ada"))
        let adaDashboard = harness.connect(ShardHarness.user("ada"), scope: .read)
        let bob = harness.connect(ShardHarness.user("bob"))
        harness.start(ada, session)
        harness.activity(ada, session, seq: 1)
        harness.activity(ada, session, seq: 2)
        let checkpointsBefore = harness.shell.checkpoints.count
        let adaId = ShardHarness.user("ada").user.id

        let closed = harness.shard.relinquish(userId: adaId, at: harness.time)

        #expect(closed == 2)
        #expect(harness.shell.closes(of: ada.id) == [1012])
        #expect(harness.shell.closes(of: adaDashboard.id) == [1012])
        #expect(harness.shell.closes(of: bob.id).isEmpty)
        let last = harness.shell.checkpoints.dropFirst(checkpointsBefore).last
        #expect(last?.seq == 2)
        #expect(last?.ended == false)  // resumed on the new owner, not ended
        #expect(harness.shard.users[adaId] == nil)
        #expect(harness.stats.sessionsLive.load(ordering: .relaxed) == 0)
    }

    @Test("after relinquishing, nothing the old connection still sends is coached here")
    func nothingCoachedAfterRelinquish() {
        let harness = ShardHarness()
        let ada = harness.connect(ShardHarness.user("ada"))
        harness.start(ada, session)
        harness.activity(ada, session, seq: 1)
        let adaId = ShardHarness.user("ada").user.id
        harness.shard.relinquish(userId: adaId, at: harness.time)
        let sent = harness.shell.messages(to: ada.id).count
        harness.activity(ada, session, seq: 2)
        harness.tick(for: 20_000)
        #expect(harness.shell.messages(to: ada.id).count == sent)
        #expect(harness.shard.users[adaId] == nil)
        #expect(harness.shell.checkpoints.allSatisfy { $0.seq <= 1 })
    }

    @Test("relinquishing a user this loop does not hold does nothing")
    func relinquishUnknownUser() {
        let harness = ShardHarness()
        let bob = harness.connect(ShardHarness.user("bob"))
        #expect(harness.shard.relinquish(userId: "nobody", at: harness.time) == 0)
        #expect(harness.shell.closes(of: bob.id).isEmpty)
    }
}
