import FlowEngine
@testable import CoachingCore

/// Literal messages and helpers shared by the Application codec tests.
enum ApplicationFixtures {
    /// The server clock the tests decode at: 2025-11-22T00:00:00Z.
    static let nowMs: Int64 = 1_763_769_600_000
    /// A plausible `at_ms` one minute before ``nowMs``.
    static let atMs: Int64 = nowMs - 60_000
    /// A session id in canonical form.
    static let session = "123e4567-e89b-12d3-a456-426614174000"

    /// 64 keystroke intervals (100…163 ms) as JSON array text.
    static let intervals64 = "[" + (0..<64).map { String(100 + $0) }.joined(separator: ",") + "]"

    /// A valid `activity` with 64 intervals and every optional field.
    static let activity = """
        {"type":"activity","id":"req-7","session":"\(session)","seq":7,"at_ms":\(atMs),\
        "window_ms":10000,"keystrokes":64,"keystroke_intervals":\(intervals64),\
        "context_switches":1,"error_events":2,"focus_ms":9000,"files_modified":1,\
        "lines_added":12,"lines_deleted":3,"language":"swift","file_saved":true,"commit":false}
        """

    /// One valid message of every client type.
    static let validMessages: [String] = [
        #"{"type":"hello","token":"fc_abc","client":{"name":"vscode-flowcoach","version":"1.2.3"},"device":"laptop"}"#,
        #"{"type":"session.start","id":"s1","session":"\#(session)","project":"flowcoach","language":"swift","at_ms":\#(atMs)}"#,
        activity,
        #"{"type":"session.end","session":"\#(session)","seq":7,"at_ms":\#(atMs)}"#,
        #"{"type":"subscribe","id":"sub","channel":"leaderboard:day:flow_time"}"#,
        #"{"type":"unsubscribe","channel":"stats:me"}"#,
        #"{"type":"break.ack","reminder":"b-3","action":"snoozed"}"#,
        #"{"type":"privacy.set","leaderboard_visible":false,"share_project_names":true}"#,
        #"{"type":"ping","id":"p"}"#,
    ]

    /// Decodes `json` with `decoder` at ``nowMs``.
    static func decode(_ json: String, with decoder: inout InboundDecoder, nowMs: Int64 = nowMs) -> InboundDecodeResult {
        var bytes = Array(json.utf8)
        return bytes.withUnsafeMutableBytes { decoder.decode(UnsafeRawBufferPointer($0), nowMs: nowMs) }
    }

    /// Decodes `json` with a fresh decoder.
    static func decode(_ json: String, nowMs: Int64 = nowMs) -> InboundDecodeResult {
        var decoder = InboundDecoder()
        return decode(json, with: &decoder, nowMs: nowMs)
    }

    /// The `activity` message with `field` replaced by `value` (raw JSON), or removed when
    /// `value` is nil.
    static func activity(setting field: String, to value: String?) -> String {
        var members: [(String, String)] = [
            ("type", "\"activity\""), ("session", "\"\(session)\""), ("seq", "7"), ("at_ms", "\(atMs)"),
            ("window_ms", "10000"), ("keystrokes", "64"), ("keystroke_intervals", intervals64),
            ("context_switches", "1"), ("error_events", "2"), ("focus_ms", "9000"),
            ("files_modified", "1"), ("lines_added", "12"), ("lines_deleted", "3"),
        ]
        if let index = members.firstIndex(where: { $0.0 == field }) {
            if let value { members[index].1 = value } else { members.remove(at: index) }
        } else if let value {
            members.append((field, value))
        }
        return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// An assessment for encoder tests.
    static func assessment(seq: Int64 = 7, state: FlowState = .flow, intensity: Double = 0.8472,
                           confidence: Double = 0.6, recommendations: RecommendationSet = [.protectFlow]) -> FlowAssessment {
        var assessment = FlowAssessment.initial(seq: seq, atMs: atMs)
        assessment.state = state
        assessment.intensity = intensity
        assessment.confidence = confidence
        assessment.flowMs = 120_000
        assessment.sessionFlowMs = 360_000
        assessment.recommendations = recommendations
        return assessment
    }
}
