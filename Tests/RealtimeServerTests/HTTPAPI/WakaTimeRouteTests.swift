import CoachingCore
import Persistence
import Testing
@testable import RealtimeServer

struct WakaTimeRouteTests {
    @Test("every documented path form matches its route; others do not")
    func paths() {
        #expect(WakaTimeRoute.match(path: "/api/heartbeat") == .heartbeats(user: nil))
        #expect(WakaTimeRoute.match(path: "/api/v1/users/current/heartbeats.bulk") == .heartbeats(user: "current"))
        #expect(WakaTimeRoute.match(path: "/api/compat/wakatime/v1/users/current/heartbeats") == .heartbeats(user: "current"))
        #expect(WakaTimeRoute.match(path: "/api/v1/users/current/statusbar/today") == .statusBarToday(user: "current"))
        #expect(WakaTimeRoute.match(path: "/api/compat/wakatime/v1/users/ada/summaries") == .summaries(user: "ada"))
        #expect(WakaTimeRoute.match(path: "/api/v1/plugins/errors") == .pluginErrors)
        #expect(WakaTimeRoute.match(path: "/api//heartbeat") == nil)
        #expect(WakaTimeRoute.match(path: "/api/v1/users/current") == nil)
        #expect(WakaTimeRouter.writes(method: "POST", path: "/api/heartbeats"))
        #expect(!WakaTimeRouter.writes(method: "POST", path: "/api/v1/plugins/errors"))
    }

    @Test("the key comes from Basic (with or without a colon), Bearer, or api_key")
    func credentials() {
        let key = "waka_0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
        #expect(WakaTimeCredentials.key(authorization: "Basic " + base64(key), apiKeyParameter: nil) == key)
        #expect(WakaTimeCredentials.key(authorization: "basic " + base64(key + ":"), apiKeyParameter: nil) == key)
        #expect(WakaTimeCredentials.key(authorization: "Bearer \(key)", apiKeyParameter: nil) == key)
        #expect(WakaTimeCredentials.key(authorization: nil, apiKeyParameter: key) == key)
        #expect(LenientBase64.decode("YQ") == [0x61] && LenientBase64.decode("YQ==") == [0x61] && LenientBase64.decode("Y*") == nil)
    }

    @Test("WakaTime keys: generated keys are UUID v4, parsing accepts the bare UUID, the hash is of the canonical form")
    func keys() throws {
        let key = WakaTimeKey.generate()
        let parsed = try #require(WakaTimeKey(parsing: key.uuid.uppercased()))
        #expect(parsed == key && parsed.secretHash == key.secretHash)
        #expect(WakaTimeKey(parsing: key.text) == key)
        #expect(WakaTimeKey(parsing: "waka_0a1b2c3d-4e5f-1a6b-8c7d-8e9f0a1b2c3d") == nil)  // version 1
        #expect(WakaTimeKey(parsing: "fc_i_abc") == nil)
    }

    @Test("durations are written as WakaTime writes them")
    func durations() {
        #expect(WakaTimeDuration(ms: 3_720_000).text == "1 hr 2 mins")
        #expect(WakaTimeDuration(ms: 3_720_000).digital == "1:02")
        #expect(WakaTimeDuration(ms: 60_000).text == "1 min")
        #expect(WakaTimeDuration(ms: 5_000).text == "5 secs")
        #expect(WakaTimeReadEndpoints.decimalHours(3_720_000) == "1.03")
    }

    @Test("a batch is answered item by item, in order; a single object in the single shape")
    func answers() throws {
        let body = Array(#"[{"time":1700000000,"entity":"a"},{"entity":"b"},{"time":1700000001,"entity":"c"}]"#.utf8)
        let batch = try HeartbeatBatch(parsing: body, userAgent: nil, machine: nil, nowMs: 1_700_000_100_000)
        let response = WakaTimeHeartbeatEndpoint.answer(batch, stored: [true, false])
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(response.status == 202)
        #expect(text.contains(#""duplicate":false"#) && text.contains(#""duplicate":true"#))
        #expect(text.contains(#"201],[{"error":"time: required"#))
        let single = try HeartbeatBatch(parsing: Array(#"{"time":1700000000,"entity":"a"}"#.utf8), userAgent: nil, machine: nil, nowMs: 1_700_000_100_000)
        #expect(WakaTimeHeartbeatEndpoint.answer(single, stored: [true]).status == 201)
    }

    private func base64(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let bytes = Array(text.utf8)
        var out = ""
        for chunk in stride(from: 0, to: bytes.count, by: 3) {
            let part = Array(bytes[chunk..<min(chunk + 3, bytes.count)])
            let value = part.enumerated().reduce(0) { $0 | (Int($1.element) << (16 - 8 * $1.offset)) }
            for index in 0..<4 {
                out.append(index <= part.count ? alphabet[(value >> (18 - 6 * index)) & 63] : "=")
            }
        }
        return out
    }
}
