import Foundation
import Testing

@testable import CoachingCore

/// The private own-rank frame: valid JSON in a minimal-length RFC 6455 text frame.
struct ChannelEventTests {
    func decode(_ frame: [UInt8]) -> (payload: [String: Any], declaredLength: Int, headerCount: Int) {
        let headerCount = frame[1] == 126 ? 4 : 2
        let declared = frame[1] == 126 ? Int(frame[2]) << 8 | Int(frame[3]) : Int(frame[1])
        let object = (try? JSONSerialization.jsonObject(with: Data(frame[headerCount...]))) as? [String: Any] ?? [:]
        return (object, declared, headerCount)
    }

    func event(_ key: ChannelKey) -> ChannelEvent {
        ChannelEvent(key: key, frame: SharedFrame(textPayload: Array("{}".utf8)), ownRanks: OwnRankTable())
    }

    @Test("a short own-rank frame uses the 7-bit length and carries rank, value and visibility")
    func shortFrame() {
        let key = ChannelKey.leaderboard(LeaderboardChannel(period: .day, metric: .flowTime))
        var scratch: [UInt8] = []
        let range = event(key).encodeOwnRankFrame(OwnRank(rank: 7, valueMs: 1234, visible: false), into: &scratch)
        let frame = Array(scratch[range])
        let decoded = decode(frame)
        #expect(frame[0] == 0x81)
        #expect(decoded.headerCount == 2)
        #expect(decoded.declaredLength == frame.count - 2)
        #expect(decoded.payload["channel"] as? String == "leaderboard:day:flow_time")
        let own = (decoded.payload["data"] as? [String: Any])?["own"] as? [String: Any]
        #expect(own?["rank"] as? Int == 7)
        #expect(own?["value_ms"] as? Int == 1234)
        #expect(own?["visible"] as? Bool == false)
    }

    @Test("RFC 6455 §5.2: a payload over 125 bytes switches to the 16-bit length")
    func longFrame() {
        let language = String(repeating: "x", count: 32)
        let key = ChannelKey.leaderboard(LeaderboardChannel(period: .month, metric: .codingTime, language: language))
        var scratch: [UInt8] = []
        let range = event(key).encodeOwnRankFrame(OwnRank(rank: 123_456, valueMs: .max, visible: true), into: &scratch)
        let frame = Array(scratch[range])
        let decoded = decode(frame)
        #expect(decoded.headerCount == 4)
        #expect(decoded.declaredLength == frame.count - 4)
        #expect(decoded.declaredLength > 125)
        let own = (decoded.payload["data"] as? [String: Any])?["own"] as? [String: Any]
        #expect((own?["value_ms"] as? NSNumber)?.int64Value == .max)
        #expect(event(key).ownRankFrame(OwnRank(rank: 123_456, valueMs: .max, visible: true)).bytes == frame)
    }

    @Test("the scratch buffer is reused: a shorter frame after a longer one has no leftovers")
    func reuse() {
        let key = ChannelKey.leaderboard(LeaderboardChannel(period: .week, metric: .flowTime))
        var scratch: [UInt8] = []
        _ = event(key).encodeOwnRankFrame(OwnRank(rank: 99_999, valueMs: 99_999_999, visible: true), into: &scratch)
        let range = event(key).encodeOwnRankFrame(OwnRank(rank: 1, valueMs: 5, visible: true), into: &scratch)
        let own = (decode(Array(scratch[range])).payload["data"] as? [String: Any])?["own"] as? [String: Any]
        #expect(own?["rank"] as? Int == 1)
        #expect(own?["value_ms"] as? Int == 5)
    }
}
