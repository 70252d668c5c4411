import CoachingCore
import Foundation

/// The opaque paging cursor of `GET /v1/sessions`: the position (start instant, session
/// id) of the last session of a page. History is ordered newest first, ties by session id,
/// so the next page holds the sessions that sort after that position.
///
/// Text form: base64url (RFC 4648 §5, no padding) of `<started_at_ms>:<session_id>`.
/// Clients treat it as opaque; the server validates it like any other input.
struct SessionCursor: Hashable, Sendable {
    var startedAtMs: Int64
    var sessionId: String

    static let maxTextBytes = 128

    init(startedAtMs: Int64, sessionId: String) {
        self.startedAtMs = startedAtMs
        self.sessionId = sessionId
    }

    init(after session: SessionCheckpoint) {
        self.init(startedAtMs: session.startedAtMs, sessionId: session.sessionId)
    }

    /// Parses a cursor this server produced; nil for anything else.
    init?(parsing text: String) {
        guard !text.isEmpty, text.utf8.count <= Self.maxTextBytes,
            text.utf8.allSatisfy({ Self.isBase64URL($0) })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let plain = String(validating: Array(data), as: UTF8.self),
            let colon = plain.firstIndex(of: ":")
        else { return nil }
        let number = plain[..<colon]
        let id = plain[plain.index(after: colon)...]
        guard let startedAtMs = Int64(number), String(startedAtMs) == number, !id.isEmpty, id.utf8.count <= 64,
            id.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else { return nil }
        self.init(startedAtMs: startedAtMs, sessionId: String(id))
    }

    var text: String {
        Data("\(startedAtMs):\(sessionId)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// True when `session` comes after the cursor in history order (older, or as old with
    /// a greater id).
    func precedes(_ session: SessionCheckpoint) -> Bool {
        session.startedAtMs < startedAtMs || (session.startedAtMs == startedAtMs && session.sessionId > sessionId)
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
