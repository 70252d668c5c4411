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
            .heartbeatTimeAdded(userId: "u4", day: "2026-12-06", activeMs: -1_500, languageMs: ["C#": 600, "a:b,\"c\"": -2_100]),
            .heartbeatTimeAdded(userId: "u5", day: "2026-12-07", activeMs: 0, languageMs: [:]),
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
        #expect(ClusterNotice(payload: "w:user:2026-12-06:12") == nil)  // heartbeat time without languages
        #expect(ClusterNotice(payload: "w:user:2026-12-06:x:{}") == nil)
        #expect(ClusterNotice(payload: "w:user::12:{}") == nil)
    }

    @Test("heartbeat time with a language map too long for NOTIFY goes without its languages")
    func heartbeatLanguagesBounded() {
        let many = Dictionary(uniqueKeysWithValues: (0..<400).map { ("language-number-\($0)", Int64($0)) })
        let notice = ClusterNotice.heartbeatTimeAdded(userId: "u", day: "2026-12-06", activeMs: 9, languageMs: many)
        #expect(notice.payload.utf8.count < 8_000)
        #expect(ClusterNotice(payload: notice.payload) == .heartbeatTimeAdded(userId: "u", day: "2026-12-06", activeMs: 9, languageMs: [:]))
    }

    @Test("lock keys are stable and differ between users")
    func lockKeys() {
        #expect(ClusterLockKey.of(userId: "a") == ClusterLockKey.of(userId: "a"))
        #expect(ClusterLockKey.of(userId: "a") != ClusterLockKey.of(userId: "b"))
    }
}
