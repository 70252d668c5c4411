/// The stable error codes of PROTOCOL.md, sent as the `code` of an `error` message.
///
/// Clients branch on these strings, so they never change within protocol v1; a new code
/// is an addition. Each case documents when the codec (or the server) uses it.
public enum AppErrorCode: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The payload is not one RFC 8259 JSON text, or its top-level value is not an object,
    /// or an object repeats a member name.
    case badJSON
    /// The `type` names no client message of PROTOCOL.md.
    case unknownType
    /// A field is missing, has the wrong type, or is out of range; the message names it.
    /// A missing or non-string `type` is also reported as `invalid_field` (field `type`).
    case invalidField
    /// No valid token (upgrade header or `hello`).
    case unauthorized
    /// The token's scope does not allow the request (a `read` token sending `activity`).
    case forbidden
    /// The connection sends faster than its token bucket allows.
    case rateLimited
    /// A size limit was exceeded: the payload, the number of JSON values, the nesting
    /// depth, or more than 512 `keystroke_intervals`.
    case tooLarge
    /// The `session` is not open on this connection.
    case unknownSession
    /// The server failed; the request may be retried.
    case `internal`

    /// The code as sent on the wire (`bad_json`, `unknown_type`, …).
    public var wireName: StaticString {
        switch self {
        case .badJSON: "bad_json"
        case .unknownType: "unknown_type"
        case .invalidField: "invalid_field"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .rateLimited: "rate_limited"
        case .tooLarge: "too_large"
        case .unknownSession: "unknown_session"
        case .internal: "internal"
        }
    }

    /// Parses a wire name (for clients and tests); `nil` for anything else.
    public init?(wireName: String) {
        for code in Self.allCases where code.description == wireName {
            self = code
            return
        }
        return nil
    }

    /// The wire name as a `String`.
    public var description: String { "\(wireName)" }
}
