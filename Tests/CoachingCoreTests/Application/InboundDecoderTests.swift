import FlowEngine
@testable import CoachingCore
import Testing

/// Every client message of PROTOCOL.md decoded from literal JSON.
struct InboundDecoderTests {
    typealias F = ApplicationFixtures

    @Test("activity decodes every field into the decoder's window and keeps the id")
    func activity() throws {
        var decoder = InboundDecoder()
        let result = F.decode(F.activity, with: &decoder)
        guard case .message(.activity(let session), let id) = result else {
            Issue.record("expected activity, got \(result)")
            return
        }
        #expect(session == SessionID(F.session))
        #expect(id?.description == "req-7")
        let window = decoder.window
        #expect(window.seq == 7)
        #expect(window.atMs == F.atMs)
        #expect(window.windowMs == 10_000)
        #expect(window.keystrokes == 64)
        #expect(window.keystrokeIntervals == (0..<64).map { Int32(100 + $0) })
        #expect(window.contextSwitches == 1)
        #expect(window.errorEvents == 2)
        #expect(window.focusMs == 9_000)
        #expect(window.filesModified == 1)
        #expect(window.linesAdded == 12)
        #expect(window.linesDeleted == 3)
        #expect(window.language == "swift")
        #expect(window.fileSaved)
        #expect(!window.commit)
    }

    @Test("activity without optional fields has no language and false flags; a second decode replaces the first")
    func activityOptionalFields() {
        var decoder = InboundDecoder()
        _ = F.decode(F.activity, with: &decoder)
        let result = F.decode(F.activity(setting: "keystroke_intervals", to: "[5,6]"), with: &decoder)
        #expect(result.message == .activity(session: SessionID(F.session)!))
        #expect(decoder.window.language == nil)
        #expect(!decoder.window.fileSaved && !decoder.window.commit)
        #expect(decoder.window.keystrokeIntervals == [5, 6])
    }

    @Test("hello carries token, client name and version, and device; all are optional")
    func hello() {
        let full = F.decode(F.validMessages[0]).message
        #expect(full == .hello(.init(token: "fc_abc", clientName: "vscode-flowcoach", clientVersion: "1.2.3", device: "laptop")))
        #expect(F.decode(#"{"type":"hello"}"#).message == .hello(.init()))
    }

    @Test("session.start carries session, project, language and at_ms; the id is returned")
    func sessionStart() {
        let result = F.decode(F.validMessages[1])
        let expected = InboundMessage.SessionStart(session: SessionID(F.session)!, project: "flowcoach", language: "swift", atMs: F.atMs)
        #expect(result == .message(.sessionStart(expected), id: RequestID("s1")))
        let bare = F.decode(#"{"type":"session.start","session":"\#(F.session)","at_ms":\#(F.atMs),"project":"","language":null}"#)
        #expect(bare.message == .sessionStart(.init(session: SessionID(F.session)!, atMs: F.atMs)))
    }

    @Test("session.end carries session, seq and at_ms; seq 0 means no activity was sent")
    func sessionEnd() {
        #expect(F.decode(F.validMessages[3]).message == .sessionEnd(.init(session: SessionID(F.session)!, seq: 7, atMs: F.atMs)))
        let empty = F.decode(#"{"type":"session.end","session":"\#(F.session)","seq":0,"at_ms":\#(F.atMs)}"#)
        #expect(empty.message == .sessionEnd(.init(session: SessionID(F.session)!, seq: 0, atMs: F.atMs)))
    }

    @Test("subscribe and unsubscribe carry the channel name as sent")
    func channels() {
        #expect(F.decode(F.validMessages[4]) == .message(.subscribe(channel: "leaderboard:day:flow_time"), id: RequestID("sub")))
        #expect(F.decode(F.validMessages[5]).message == .unsubscribe(channel: "stats:me"))
    }

    @Test("break.ack parses the reminder id written by BreakReminder.wireID and each action")
    func breakAck() {
        #expect(F.decode(F.validMessages[6]).message == .breakAck(.init(reminder: 3, action: .snoozed)))
        for action in BreakAction.allCases {
            let wire = "b-18446744073709551615"
            let json = #"{"type":"break.ack","reminder":"\#(wire)","action":"\#(action.wireName)"}"#
            #expect(F.decode(json).message == .breakAck(.init(reminder: BreakReminder.id(fromWire: wire) ?? 0, action: action)))
        }
    }

    @Test("privacy.set accepts either flag alone or both")
    func privacySet() {
        #expect(F.decode(F.validMessages[7]).message == .privacySet(.init(leaderboardVisible: false, shareProjectNames: true)))
        #expect(F.decode(#"{"type":"privacy.set","share_project_names":false}"#).message == .privacySet(.init(shareProjectNames: false)))
    }

    @Test("ping decodes with its id")
    func ping() {
        #expect(F.decode(F.validMessages[8]) == .message(.ping, id: RequestID("p")))
    }

    @Test("unknown fields are ignored, at the top level and inside client")
    func unknownFieldsIgnored() {
        let json = #"{"type":"ping","future":{"nested":[1,2,{"x":null}]},"v":2}"#
        #expect(F.decode(json).message == .ping)
        let hello = #"{"type":"hello","client":{"name":"x","os":"linux"},"extra":true}"#
        #expect(F.decode(hello).message == .hello(.init(clientName: "x")))
    }

    @Test("escaped strings are decoded before use: session ids, ids and languages")
    func escapedStrings() {
        let json = String(F.activity(setting: "session", to: #""123e4567\u002De89b-12d3-a456-426614174000""#).dropLast())
            + #","language":"obj\u0065ctive-c++ (clang)","id":"\u00e9t\u00e9"}"#
        var decoder = InboundDecoder()
        let result = F.decode(json, with: &decoder)
        #expect(result == .message(.activity(session: SessionID(F.session)!), id: RequestID("été")))
        #expect(decoder.window.language == "objective-c++ (clang)")
    }

    @Test("uppercase hex session ids are accepted and equal to their lowercase form")
    func uppercaseSession() {
        let json = F.activity(setting: "session", to: "\"\(F.session.uppercased())\"")
        #expect(F.decode(json).message == .activity(session: SessionID(F.session)!))
    }

    @Test("decoding is independent of earlier messages: each valid message decodes after any other")
    func interleaved() {
        var decoder = InboundDecoder()
        for first in F.validMessages {
            for second in F.validMessages {
                _ = F.decode(first, with: &decoder)
                #expect(F.decode(second, with: &decoder) == F.decode(second))
            }
        }
    }
}
