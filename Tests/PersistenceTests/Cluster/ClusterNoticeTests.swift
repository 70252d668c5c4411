import Testing

@testable import Persistence

/// The notices nodes exchange on the `flowcoach` channel: short keys that round-trip, and
/// anything unknown (a newer node's notice) ignored rather than misread.
struct ClusterNoticeTests {
    @Test("every notice round-trips through its payload")
    func roundTrip() {
        let notices: [ClusterNotice] = [
            .scoresChanged(userId: "0b7c3c1e-5d0e-4a53-9d5c-1f0f3e2b9a77"),
            .privacyChanged(userId: "u1"),
            .tokenRevoked(tokenId: "AbC123xy"),
            .userPurged(userId: "u2"),
            .releaseRequested(userId: "u3", byNode: "host-8080"),
        ]
        for notice in notices {
            #expect(ClusterNotice(payload: notice.payload) == notice)
            #expect(notice.payload.utf8.count < 8_000)  // NOTIFY's payload limit
        }
    }

    @Test("unknown kinds and malformed payloads are ignored")
    func unknownIgnored() {
        #expect(ClusterNotice(payload: "z:whatever") == nil)
        #expect(ClusterNotice(payload: "s:") == nil)
        #expect(ClusterNotice(payload: "nothing") == nil)
        #expect(ClusterNotice(payload: "h:user") == nil)  // a release names the asking node
    }

    @Test("lock keys are stable and differ between users")
    func lockKeys() {
        #expect(ClusterLockKey.of(userId: "a") == ClusterLockKey.of(userId: "a"))
        #expect(ClusterLockKey.of(userId: "a") != ClusterLockKey.of(userId: "b"))
    }
}
