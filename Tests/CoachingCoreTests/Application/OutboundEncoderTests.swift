import FlowEngine
@testable import CoachingCore
import Testing
import WireJSON

/// Server messages: byte-exact for the hot ones, parsed back for the rest.
struct OutboundEncoderTests {
    typealias F = ApplicationFixtures
    let session = SessionID(F.session)!

    private func text(_ encoder: OutboundEncoder) -> String { String(decoding: encoder.bytes, as: UTF8.self) }

    /// Parses the encoder's output and hands the object to `body`.
    private func parsed(_ encoder: OutboundEncoder, _ body: (JSONObject) throws -> Void) throws {
        var parser = JSONParser()
        let bytes = encoder.bytes
        try bytes.withUnsafeBytes { raw in try body(try parser.parseObject(raw)) }
    }

    @Test("flow is byte-exact: fields in PROTOCOL.md order, 3 decimals, recommendation texts, ref last")
    func flowExact() {
        var encoder = OutboundEncoder()
        encoder.flow(session: session, assessment: F.assessment(), ref: RequestID("req-7"))
        #expect(text(encoder) == #"{"type":"flow","session":"123e4567-e89b-12d3-a456-426614174000","seq":7,"state":"flow","in_flow":true,"intensity":0.847,"confidence":0.600,"flow_ms":120000,"session_flow_ms":360000,"recommendations":["You are in flow: hold messages and meetings until this stretch ends"],"components":{"rhythm":0.000,"focus":0.000,"errors":0.000,"focus_time":0.000},"ref":"req-7"}"#)
    }

    @Test("a duplicate flow is marked, a pushed one has no ref, ratios are clamped and NaN is 0")
    func flowVariants() {
        var encoder = OutboundEncoder()
        let assessment = F.assessment(state: .warmingUp, intensity: 1.7, confidence: .nan, recommendations: [])
        encoder.flow(session: session, assessment: assessment, duplicate: true)
        #expect(text(encoder) == #"{"type":"flow","session":"123e4567-e89b-12d3-a456-426614174000","seq":7,"state":"warming_up","in_flow":false,"intensity":1.000,"confidence":0.000,"flow_ms":120000,"session_flow_ms":360000,"recommendations":[],"components":{"rhythm":0.000,"focus":0.000,"errors":0.000,"focus_time":0.000},"duplicate":true}"#)
        encoder.flow(session: session, assessment: F.assessment(intensity: -0.2, recommendations: [.useFocusMode, .easeBackIn]))
        #expect(text(encoder).contains(#""intensity":0.000,"#))
        #expect(text(encoder).contains(#""recommendations":["Try using focus mode or disable non-essential notifications","Back after an interruption: restart with the smallest next step"]"#))
    }

    @Test("every flow state is written with its wire name")
    func flowStates() throws {
        var encoder = OutboundEncoder()
        for state in FlowState.allCases {
            encoder.flow(session: session, assessment: F.assessment(state: state))
            try parsed(encoder) { object throws in
                #expect(try object.ownedString("state") == state.wireName)
                #expect(try object.bool("in_flow") == (state == .flow))
            }
        }
    }

    @Test("flow's components and reason are byte-exact, and every reason is its wire name")
    func flowComponentsAndReason() throws {
        var encoder = OutboundEncoder()
        var assessment = F.assessment(seq: 1_234_567_890_123, recommendations: [])
        assessment.components = FlowComponents(rhythm: 0.8125, focus: 0.0005, errors: 1.25, focusTime: -0.3)
        assessment.reason = .steadyRhythm
        encoder.flow(session: session, assessment: assessment, duplicate: true, ref: RequestID("r"))
        #expect(text(encoder) == #"{"type":"flow","session":"123e4567-e89b-12d3-a456-426614174000","seq":1234567890123,"state":"flow","in_flow":true,"intensity":0.847,"confidence":0.600,"flow_ms":120000,"session_flow_ms":360000,"recommendations":[],"components":{"rhythm":0.812,"focus":0.001,"errors":1.000,"focus_time":0.000},"reason":"steady_rhythm","duplicate":true,"ref":"r"}"#)
        for reason in FlowReason.allCases {
            assessment.reason = reason
            encoder.flow(session: session, assessment: assessment)
            try parsed(encoder) { object throws in
                #expect(try object.stringIfPresent("reason")?.makeString() == reason.wireName)
            }
        }
    }

    @Test("durable is byte-exact")
    func durableExact() {
        var encoder = OutboundEncoder()
        encoder.durable(session: session, seq: 42)
        #expect(text(encoder) == #"{"type":"durable","session":"123e4567-e89b-12d3-a456-426614174000","seq":42}"#)
    }

    @Test("welcome carries the user, an RFC 3339 server_time and heartbeat_s")
    func welcome() {
        var encoder = OutboundEncoder()
        encoder.welcome(userID: "u1", userName: "Ada \"L\"", serverTimeMs: 951_868_799_999, heartbeatSeconds: 30, ref: RequestID("h"))
        #expect(text(encoder) == #"{"type":"welcome","user":{"id":"u1","name":"Ada \"L\""},"server_time":"2000-02-29T23:59:59.999Z","heartbeat_s":30,"ref":"h"}"#)
    }

    @Test("session.started, subscribed, unsubscribed, ack, pong and error are exact")
    func smallMessages() {
        var encoder = OutboundEncoder()
        encoder.sessionStarted(session: session, resumed: true, lastSeq: 9, durableSeq: 5, ref: RequestID("s1"))
        #expect(text(encoder) == #"{"type":"session.started","session":"123e4567-e89b-12d3-a456-426614174000","resumed":true,"last_seq":9,"durable_seq":5,"ref":"s1"}"#)
        encoder.subscribed(channel: "stats:me", ref: RequestID("a"))
        #expect(text(encoder) == #"{"type":"subscribed","channel":"stats:me","ref":"a"}"#)
        encoder.unsubscribed(channel: "stats:me")
        #expect(text(encoder) == #"{"type":"unsubscribed","channel":"stats:me"}"#)
        encoder.ack(ref: RequestID("b"))
        #expect(text(encoder) == #"{"type":"ack","ref":"b"}"#)
        encoder.pong()
        #expect(text(encoder) == #"{"type":"pong"}"#)
        encoder.error(AppError(.unknownSession, "session \"x\" is not open on this connection", ref: RequestID("c")))
        #expect(text(encoder) == #"{"type":"error","code":"unknown_session","message":"session \"x\" is not open on this connection","ref":"c"}"#)
    }

    @Test("break carries reminder b-<id>, kind, reason and active_ms")
    func breakMessage() {
        var encoder = OutboundEncoder()
        encoder.breakReminder(id: 12, kind: .dailyLimit, activeMs: 28_800_000)
        #expect(text(encoder) == #"{"type":"break","reminder":"b-12","kind":"daily_limit","reason":"You reached your active-time limit for today","active_ms":28800000}"#)
        encoder.breakReminder(id: .max, kind: .micro, activeMs: 0)
        #expect(text(encoder).contains(#""reminder":"b-18446744073709551615""#))
    }

    @Test("session.summary carries every total and the languages object")
    func summary() throws {
        var totals = FlowEngine.SessionTotals(startMs: 1_000)
        let swift = ActivityWindow(atMs: 61_000, windowMs: 60_000, keystrokes: 100, focusMs: 60_000, linesAdded: 5, linesDeleted: 2)
        let python = ActivityWindow(atMs: 91_000, windowMs: 30_000, keystrokes: 100, focusMs: 30_000, linesAdded: 45, linesDeleted: 5)
        totals.record(swift, assessment: F.assessment(intensity: 0.7), language: "swift")
        totals.record(python, assessment: F.assessment(intensity: 0.4), language: "python")
        let summary = totals.summary(endMs: 3_601_000, detector: FlowDetector())
        var encoder = OutboundEncoder()
        encoder.sessionSummary(session: session, summary: summary, ref: RequestID("e"))
        #expect(text(encoder) == #"{"type":"session.summary","session":"123e4567-e89b-12d3-a456-426614174000","duration_ms":3600000,"active_ms":90000,"flow_ms":0,"flow_periods":0,"interruptions":0,"mean_recovery_ms":0,"keystrokes":200,"lines_added":50,"lines_deleted":7,"focus_score":0.600,"languages":{"swift":60000,"python":30000},"ref":"e"}"#)
    }

    @Test("event wraps the channel and data the caller writes")
    func event() {
        var encoder = OutboundEncoder()
        encoder.event(channel: "leaderboard:day:flow_time") { writer in
            writer.beginArray()
            writer.beginObject()
            writer.key("rank"); writer.value(1)
            writer.key("name"); writer.value("ada")
            writer.key("value_ms"); writer.value(Int64(5_000))
            writer.endObject()
            writer.endArray()
        }
        #expect(text(encoder) == #"{"type":"event","channel":"leaderboard:day:flow_time","data":[{"rank":1,"name":"ada","value_ms":5000}]}"#)
    }

    @Test("round trip: a decoded error's code, message and ref survive encoding and parsing")
    func errorRoundTrip() throws {
        let bad = String(F.activity(setting: "window_ms", to: "0").dropLast()) + #","id":"r\u00e9q"}"#
        guard let error = F.decode(bad).error else {
            Issue.record("expected a rejection")
            return
        }
        var encoder = OutboundEncoder()
        encoder.error(error)
        try parsed(encoder) { object throws in
            #expect(AppErrorCode(wireName: try object.ownedString("code")) == .invalidField)
            #expect(try object.ownedString("message") == error.message)
            #expect(RequestID(try object.ownedString("ref")) == RequestID("réq"))
        }
    }

    @Test("round trip: flow's session and seq read back to the values encoded, ratios within half a unit")
    func flowRoundTrip() throws {
        var generator = CodecTestRandom(seed: 7)
        var encoder = OutboundEncoder()
        for _ in 0..<200 {
            let id = SessionID(high: generator.next(), low: generator.next())
            let intensity = Double(generator.next() % 10_001) / 10_000
            let seq = Int64(generator.next() % (1 << 53))
            encoder.flow(session: id, assessment: F.assessment(seq: seq, intensity: intensity))
            try parsed(encoder) { object throws in
                #expect(SessionID(try object.ownedString("session")) == id)
                #expect(try object.int64("seq") == seq)
                #expect(abs(try object.double("intensity") - intensity) <= 0.0005 + 1e-9)
            }
        }
    }
}
