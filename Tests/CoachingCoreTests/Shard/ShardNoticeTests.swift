import Testing
@testable import CoachingCore

/// Changes written through another node reach the owning loop as notices: its copy of the
/// user's state follows them.
struct ShardNoticeTests {
    @Test("privacy changed elsewhere: the next privacy.set here starts from it, not from the copy loaded with the user")
    func privacyFollowsTheStore() {
        let harness = ShardHarness()
        let user = ShardHarness.user("ada")
        let connection = harness.connect(user)
        harness.shard.storedPrivacyChanged(
            userId: user.user.id, settings: PrivacySettings(leaderboardVisible: false, shareProjectNames: true), at: harness.time)
        harness.shell.clear()
        harness.send(connection, ["type": "privacy.set", "share_project_names": false])
        #expect(harness.last(connection)["type"] as? String == "ack")
        #expect(harness.shard.users[user.user.id]?.privacy == PrivacySettings(leaderboardVisible: false, shareProjectNames: false))
        // The leaderboards are told the visibility the store has (not the stale `true`).
        #expect(harness.shell.recorded.contains {
            if case .leaderboard(.privacy(_, leaderboardVisible: false)) = $0 { true } else { false }
        })
        #expect(!harness.shell.recorded.contains {
            if case .leaderboard(.privacy(_, leaderboardVisible: true)) = $0 { true } else { false }
        })
    }

    @Test("privacy changed elsewhere republishes stats:me; a user not held here is ignored")
    func privacyNoticeMarksStats() {
        let harness = ShardHarness()
        let user = ShardHarness.user("ada")
        _ = harness.connect(user)
        harness.tick(for: 1_000)
        #expect(harness.shard.users[user.user.id]?.statsDirty == false)  // published by the tick
        harness.shard.storedPrivacyChanged(userId: "someone-else", settings: PrivacySettings(leaderboardVisible: false), at: harness.time)
        #expect(harness.shard.users["someone-else"] == nil)
        harness.shard.storedPrivacyChanged(userId: user.user.id, settings: PrivacySettings(leaderboardVisible: false), at: harness.time)
        #expect(harness.shard.users[user.user.id]?.statsDirty == true)
        #expect(harness.shard.users[user.user.id]?.privacy.leaderboardVisible == false)
    }
}
