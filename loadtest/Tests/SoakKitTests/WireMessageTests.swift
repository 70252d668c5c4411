import SoakKit
import TestSupport
import Testing
import WireJSON

struct ServerMessageTests {
    static let session = "0f8fad5b-d9cb-469f-a165-70867728950e"

    private func decode(_ text: String) throws -> ServerMessage {
        var parser = JSONParser()
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBytes { raw in
            try ServerMessage.decode(UnsafeRawBufferPointer(raw), parser: &parser)
        }
    }

    @Test("flow, durable and session.started carry the session and seqs")
    func sequenceMessages() throws {
        let key = try #require(SessionKey(Self.session))
        #expect(try decode(#"{"type":"flow","session":"\#(Self.session)","seq":7,"state":"flow","in_flow":true,"intensity":0.8,"confidence":0.9,"flow_ms":1,"session_flow_ms":2,"recommendations":[]}"#)
            == .flow(session: key, seq: 7, duplicate: false))
        #expect(try decode(#"{"type":"flow","session":"\#(Self.session)","seq":7,"duplicate":true}"#) == .flow(session: key, seq: 7, duplicate: true))
        #expect(try decode(#"{"type":"durable","session":"\#(Self.session)","seq":5}"#) == .durable(session: key, seq: 5))
        #expect(try decode(#"{"type":"session.started","session":"\#(Self.session)","resumed":true,"last_seq":9,"durable_seq":4,"id":"start"}"#)
            == .sessionStarted(session: key, resumed: true, lastSeq: 9, durableSeq: 4))
    }

    @Test("session.summary yields the totals to compare")
    func summary() throws {
        let key = try #require(SessionKey(Self.session))
        let text = #"{"type":"session.summary","session":"\#(Self.session)","duration_ms":1,"active_ms":1,"flow_ms":0,"flow_periods":0,"interruptions":0,"mean_recovery_ms":0,"keystrokes":1234,"lines_added":56,"lines_deleted":7,"focus_score":0.5,"languages":{"swift":1}}"#
        #expect(try decode(text) == .summary(session: key, totals: ActivityTotals(keystrokes: 1234, linesAdded: 56, linesDeleted: 7)))
    }

    @Test("errors, events and unknown types")
    func others() throws {
        #expect(try decode(#"{"type":"error","code":"rate_limited","message":"slow down","ref":"start"}"#)
            == .error(code: "rate_limited", message: "slow down", ref: "start"))
        #expect(try decode(#"{"type":"event","channel":"stats:me","data":{"x":1}}"#) == .event(channel: "stats:me", ownRankOnly: false))
        #expect(try decode(#"{"type":"event","channel":"leaderboard:day:flow_time","data":{"own":{"rank":3,"value_ms":5,"visible":true}}}"#)
            == .event(channel: "leaderboard:day:flow_time", ownRankOnly: true))
        #expect(try decode(#"{"type":"welcome","user":{"id":"1","name":"a"},"server_time":"2026-01-01T00:00:00Z","heartbeat_s":30}"#) == .welcome)
        #expect(try decode(#"{"type":"novelty"}"#) == .other(type: "novelty"))
    }

    @Test("malformed messages are rejected with the reason")
    func malformed() {
        #expect(throws: ServerMessage.DecodeError.self) { try decode("not json") }
        #expect(throws: ServerMessage.DecodeError.self) { try decode(#"{"type":"flow","session":"nope","seq":1}"#) }
        #expect(throws: ServerMessage.DecodeError.self) { try decode(#"{"type":"durable","session":"\#(Self.session)","seq":"5"}"#) }
        #expect(throws: ServerMessage.DecodeError.self) { try decode(#"{"seq":1}"#) }
    }
}

struct ClientMessageWriterTests {
    @Test("an activity is written with every field PROTOCOL.md names, and parses back")
    func activityRoundTrip() throws {
        var random = SeededGenerator(seed: 1)
        let key = SessionKey.random(using: &random)
        let window = ActivityWindow(seq: 3, atMs: 1_800_000_000_000, windowMs: 10_000, keystrokes: 4, keystrokeIntervals: [100, 120, 90],
                                    contextSwitches: 1, errorEvents: 2, focusMs: 9_000, filesModified: 1, linesAdded: 5, linesDeleted: 6,
                                    fileSaved: true)
        var writer = ClientMessageWriter()
        writer.activity(key, window)
        var parser = JSONParser()
        let bytes = writer.json.bytes
        try bytes.withUnsafeBytes { raw in
            let object = try parser.parseObject(raw)
            #expect(try object.ownedString("type") == "activity")
            #expect(try object.ownedString("session") == key.description)
            #expect(try object.int64("seq") == 3)
            #expect(try object.int64("at_ms") == 1_800_000_000_000)
            #expect(try object.int64("window_ms") == 10_000)
            #expect(try object.int64("keystrokes") == 4)
            var intervals: [Int32] = []
            try object.int32s("keystroke_intervals", into: &intervals)
            #expect(intervals == [100, 120, 90])
            #expect(try object.int64("context_switches") == 1)
            #expect(try object.int64("error_events") == 2)
            #expect(try object.int64("focus_ms") == 9_000)
            #expect(try object.int64("files_modified") == 1)
            #expect(try object.int64("lines_added") == 5)
            #expect(try object.int64("lines_deleted") == 6)
            #expect(try object.bool("file_saved"))
        }
    }

    @Test("session.start, session.end and subscribe carry their ids")
    func requests() throws {
        let key = SessionKey(high: 1, low: 2)
        var writer = ClientMessageWriter()
        var parser = JSONParser()
        writer.sessionStart(key, project: "p", language: "swift", atMs: 5, id: "start")
        try writer.json.bytes.withUnsafeBytes { raw in
            let object = try parser.parseObject(raw)
            #expect(try object.ownedString("type") == "session.start")
            #expect(try object.ownedString("id") == "start")
            #expect(try object.ownedString("session") == "00000000-0000-0001-0000-000000000002")
        }
        writer.sessionEnd(key, seq: 9, atMs: 6, id: "end")
        try writer.json.bytes.withUnsafeBytes { raw in
            let object = try parser.parseObject(raw)
            #expect(try object.ownedString("type") == "session.end")
            #expect(try object.int64("seq") == 9)
        }
        writer.subscribe("stats:me", id: "sub")
        try writer.json.bytes.withUnsafeBytes { raw in
            let object = try parser.parseObject(raw)
            #expect(try object.ownedString("channel") == "stats:me")
        }
    }
}

struct SessionKeyTests {
    @Test("random keys are RFC 9562 version-4 UUIDs that round-trip through their text")
    func versionFour() throws {
        var random = SeededGenerator(seed: 12)
        for _ in 0..<100 {
            let key = SessionKey.random(using: &random)
            let text = key.description
            #expect(text.count == 36)
            let characters = Array(text)
            #expect(characters[14] == "4")
            #expect("89ab".contains(characters[19]))
            #expect(SessionKey(text) == key)
            #expect(SessionKey(text.uppercased()) == key)
        }
        #expect(SessionKey("not-a-uuid") == nil)
        #expect(SessionKey("0f8fad5b-d9cb-469f-a165-70867728950") == nil)
    }
}
