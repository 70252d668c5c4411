import Foundation
import FlowEngine
@testable import CoachingCore
import Testing

/// Bad input of every kind gets the right code and a message naming the field.
struct InboundDecoderErrorTests {
    typealias F = ApplicationFixtures

    /// Decodes `json` and returns the error, recording an issue if it decoded.
    private func rejection(_ json: String, nowMs: Int64 = F.nowMs,
                           sourceLocation: SourceLocation = #_sourceLocation) -> AppError {
        switch F.decode(json, nowMs: nowMs) {
        case .rejected(let error):
            return error
        case .message(let message, _):
            Issue.record("expected a rejection, decoded \(message)", sourceLocation: sourceLocation)
            return AppError(.internal, "")
        }
    }

    /// Expects `invalid_field` whose message quotes `field`.
    private func expectInvalid(_ json: String, field: String, nowMs: Int64 = F.nowMs,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let error = rejection(json, nowMs: nowMs, sourceLocation: sourceLocation)
        #expect(error.code == .invalidField, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains("\"\(field)\""), "\(error.message)", sourceLocation: sourceLocation)
    }

    @Test("malformed JSON, a non-object and duplicate names are bad_json")
    func badJSON() {
        for json in ["", "{", #"{"type":"ping",}"#, "[1,2]", "\"ping\"", "42", #"{"type":"ping"} x"#,
                     #"{"type":"ping","type":"ping"}"#, #"{"type":"p\ud800"}"#, "{\"type\":\"\u{1}\"}"] {
            #expect(rejection(json).code == .badJSON, "\(json)")
        }
    }

    @Test("a missing or non-string type is invalid_field naming type; an unknown one is unknown_type")
    func typeField() {
        expectInvalid(#"{"session":"x"}"#, field: "type")
        expectInvalid(#"{"type":7}"#, field: "type")
        expectInvalid(#"{"type":null}"#, field: "type")
        let unknown = rejection(#"{"type":"activty","id":"r1"}"#)
        #expect(unknown.code == .unknownType)
        #expect(unknown.message.contains("\"activty\""))
        #expect(unknown.ref == RequestID("r1"))
    }

    @Test("an id that is not a string or is over 64 bytes is invalid_field without a ref")
    func requestID() {
        expectInvalid(#"{"type":"ping","id":5}"#, field: "id")
        let long = String(repeating: "x", count: 65)
        let error = rejection(#"{"type":"ping","id":"\#(long)"}"#)
        #expect(error.code == .invalidField && error.ref == nil && error.message.contains("\"id\""))
        let max = String(repeating: "é", count: 32)  // 64 bytes
        #expect(F.decode(#"{"type":"ping","id":"\#(max)"}"#) == .message(.ping, id: RequestID(max)))
    }

    @Test("every required activity field, when missing, is named")
    func missingActivityFields() {
        for field in ["session", "seq", "at_ms", "window_ms", "keystrokes", "keystroke_intervals", "context_switches",
                      "error_events", "focus_ms", "files_modified", "lines_added", "lines_deleted"] {
            expectInvalid(F.activity(setting: field, to: nil), field: field)
        }
    }

    @Test("wrong types are invalid_field naming the field, and errors echo the id as ref")
    func wrongTypes() {
        let cases: [(String, String)] = [
            ("seq", "\"7\""), ("seq", "7.0"), ("seq", "7e0"), ("at_ms", "true"), ("window_ms", "null"),
            ("keystrokes", "[64]"), ("keystroke_intervals", "{}"), ("keystroke_intervals", "\"1,2\""),
            ("session", "42"), ("language", "5"), ("file_saved", "1"), ("commit", "\"yes\""),
        ]
        for (field, value) in cases {
            expectInvalid(F.activity(setting: field, to: value), field: field)
        }
        let withID = String(F.activity(setting: "seq", to: "\"x\"").dropLast()) + #","id":"abc"}"#
        #expect(rejection(withID).ref == RequestID("abc"))
    }

    @Test("with several bad fields the first one checked is reported, whatever the members' order")
    func firstBadFieldWins() {
        // language is written before file_saved, and checked after it.
        expectInvalid(String(F.activity(setting: "language", to: "5").dropLast()) + #","file_saved":1}"#, field: "file_saved")
        let reversed = #"{"commit":"yes","file_saved":true,"language":"swift","lines_deleted":3,"lines_added":12,"#
            + #""files_modified":1,"focus_ms":9000,"error_events":2,"context_switches":1,"#
            + #""keystroke_intervals":\#(F.intervals64),"keystrokes":64,"window_ms":10000,"at_ms":\#(F.atMs),"#
            + #""seq":"7","session":"\#(F.session)","type":"activity"}"#
        expectInvalid(reversed, field: "seq")
        let decoded = F.decode(reversed.replacingOccurrences(of: #""seq":"7""#, with: #""seq":7"#)
            .replacingOccurrences(of: #""commit":"yes""#, with: #""commit":false"#))
        guard case .message(.activity, _) = decoded else {
            Issue.record("the reversed activity did not decode: \(decoded)")
            return
        }
    }

    @Test("numbers outside Int64 are invalid_field, never wrapped")
    func hugeNumbers() {
        for value in ["9223372036854775808", "-9223372036854775809", "1" + String(repeating: "0", count: 400)] {
            expectInvalid(F.activity(setting: "keystrokes", to: value), field: "keystrokes")
        }
        expectInvalid(F.activity(setting: "seq", to: "9223372036854775807"), field: "seq")
    }

    @Test("negative durations and counts are invalid_field")
    func negatives() {
        for field in ["keystrokes", "context_switches", "error_events", "focus_ms", "files_modified",
                      "lines_added", "lines_deleted", "window_ms"] {
            expectInvalid(F.activity(setting: field, to: "-1"), field: field)
        }
    }

    @Test("window_ms must be 1 ms to 1 h; seq at least 1")
    func windowAndSeq() {
        expectInvalid(F.activity(setting: "window_ms", to: "0"), field: "window_ms")
        expectInvalid(F.activity(setting: "window_ms", to: "3600001"), field: "window_ms")
        #expect(F.decode(F.activity(setting: "window_ms", to: "3600000")).error == nil)
        expectInvalid(F.activity(setting: "seq", to: "0"), field: "seq")
        expectInvalid(#"{"type":"session.end","session":"\#(F.session)","seq":-1,"at_ms":\#(F.atMs)}"#, field: "seq")
    }

    @Test("at_ms before 2020-01-01 or more than a day ahead of the server clock is invalid_field")
    func atMsRange() {
        expectInvalid(F.activity(setting: "at_ms", to: "1577836799999"), field: "at_ms")
        #expect(F.decode(F.activity(setting: "at_ms", to: "1577836800000")).error == nil)
        expectInvalid(F.activity(setting: "at_ms", to: "\(F.nowMs + 86_400_001)"), field: "at_ms")
        #expect(F.decode(F.activity(setting: "at_ms", to: "\(F.nowMs + 86_400_000)")).error == nil)
        expectInvalid(F.activity(setting: "at_ms", to: "\(Int64.max)"), field: "at_ms")
        expectInvalid(F.activity(setting: "at_ms", to: "\(Int64.min)"), field: "at_ms")
        expectInvalid(#"{"type":"session.start","session":"\#(F.session)","at_ms":0}"#, field: "at_ms")
    }

    @Test("more than 512 intervals is too_large; an interval out of range is invalid_field naming its index")
    func intervals() {
        let big = "[" + Array(repeating: "100", count: 513).joined(separator: ",") + "]"
        let error = rejection(F.activity(setting: "keystroke_intervals", to: big))
        #expect(error.code == .tooLarge && error.message.contains("\"keystroke_intervals\""))
        let full = "[" + Array(repeating: "100", count: 512).joined(separator: ",") + "]"
        #expect(F.decode(F.activity(setting: "keystroke_intervals", to: full)).error == nil)
        expectInvalid(F.activity(setting: "keystroke_intervals", to: "[1,2,-3]"), field: "keystroke_intervals[2]")
        expectInvalid(F.activity(setting: "keystroke_intervals", to: "[3600001]"), field: "keystroke_intervals[0]")
        expectInvalid(F.activity(setting: "keystroke_intervals", to: "[1,\"2\"]"), field: "keystroke_intervals[1]")
        expectInvalid(F.activity(setting: "keystroke_intervals", to: "[1,2,3,1e3]"), field: "keystroke_intervals[3]")
        expectInvalid(F.activity(setting: "keystroke_intervals", to: "[99999999999]"), field: "keystroke_intervals[0]")
    }

    @Test("session ids must be canonical 8-4-4-4-12 UUIDs")
    func sessionIDs() {
        for bad in ["", "123e4567e89b12d3a456426614174000", "{123e4567-e89b-12d3-a456-426614174000}",
                    "123e4567-e89b-12d3-a456-42661417400g", "123e4567-e89b-12d3-a456_426614174000",
                    "urn:uuid:123e4567-e89b-12d3-a456-426614174000", String(repeating: "a", count: 5000)] {
            expectInvalid(F.activity(setting: "session", to: "\"\(bad)\""), field: "session")
        }
    }

    @Test("strings over their limits are invalid_field: language 64, project 128, channel 128 bytes")
    func stringLimits() {
        expectInvalid(F.activity(setting: "language", to: "\"\(String(repeating: "l", count: 65))\""), field: "language")
        #expect(F.decode(F.activity(setting: "language", to: "\"\(String(repeating: "l", count: 64))\"")).error == nil)
        let project = String(repeating: "p", count: 129)
        expectInvalid(#"{"type":"session.start","session":"\#(F.session)","project":"\#(project)","at_ms":\#(F.atMs)}"#, field: "project")
        expectInvalid(#"{"type":"subscribe","channel":"\#(project)"}"#, field: "channel")
        expectInvalid(#"{"type":"subscribe","channel":""}"#, field: "channel")
        expectInvalid(#"{"type":"unsubscribe"}"#, field: "channel")
        expectInvalid(#"{"type":"hello","token":"\#(String(repeating: "t", count: 513))"}"#, field: "token")
        #expect(F.decode(#"{"type":"hello","token":""}"#).message == .hello(.init()))
    }

    @Test("hello's client must be an object, and its fields are named inside it")
    func helloClient() {
        expectInvalid(#"{"type":"hello","client":"vscode"}"#, field: "client")
        let error = rejection(#"{"type":"hello","client":{"name":7}}"#)
        #expect(error.code == .invalidField && error.message.contains("\"client\"") && error.message.contains("\"name\""))
    }

    @Test("break.ack needs a b-<n> reminder and a known action")
    func breakAck() {
        for reminder in ["3", "b-", "b-x", "b--1", "b-+1", "c-1", "b-18446744073709551616"] {
            expectInvalid(#"{"type":"break.ack","reminder":"\#(reminder)","action":"taken"}"#, field: "reminder")
        }
        expectInvalid(#"{"type":"break.ack","reminder":"b-1","action":"later"}"#, field: "action")
        expectInvalid(#"{"type":"break.ack","reminder":"b-1"}"#, field: "action")
    }

    @Test("privacy.set needs at least one boolean flag")
    func privacySet() {
        expectInvalid(#"{"type":"privacy.set"}"#, field: "leaderboard_visible")
        expectInvalid(#"{"type":"privacy.set","leaderboard_visible":"no"}"#, field: "leaderboard_visible")
    }

    @Test("payloads beyond the JSON limits are too_large")
    func jsonLimits() {
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(rejection(#"{"type":"ping","x":\#(deep)}"#).code == .tooLarge)
        let wide = "[" + Array(repeating: "0", count: 3_000).joined(separator: ",") + "]"
        #expect(rejection(#"{"type":"ping","x":\#(wide)}"#).code == .tooLarge)
        let huge = #"{"type":"ping","x":""# + String(repeating: "a", count: 70_000) + "\"}"
        #expect(rejection(huge).code == .tooLarge)
    }

    @Test("the decoder stays usable after every kind of error")
    func usableAfterErrors() {
        var decoder = InboundDecoder()
        for bad in ["{", "[]", #"{"type":"nope"}"#, F.activity(setting: "keystroke_intervals", to: "[1,-1]")] {
            _ = F.decode(bad, with: &decoder)
            #expect(F.decode(F.activity, with: &decoder).message == .activity(session: SessionID(F.session)!))
            #expect(decoder.window.keystrokeIntervals.count == 64)
        }
    }

    @Test("every code has its PROTOCOL.md wire name, and names parse back")
    func wireNames() {
        let names = AppErrorCode.allCases.map(\.description)
        #expect(names == ["bad_json", "unknown_type", "invalid_field", "unauthorized", "forbidden",
                          "rate_limited", "too_large", "unknown_session", "internal"])
        for code in AppErrorCode.allCases { #expect(AppErrorCode(wireName: code.description) == code) }
        #expect(AppErrorCode(wireName: "BAD_JSON") == nil)
    }
}
