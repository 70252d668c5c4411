import CoachingCore
public import WSProtocol
import WireJSON

/// Everything the HTTP API refuses, with its one mapping to the wire (an HTTP status, a
/// stable error code, and the headers RFC 7231/7235/6750 require), as STYLE.md asks:
/// "map errors to the wire once".
///
/// Body: `{"error":{"code":"invalid_field","message":"from: not a date (YYYY-MM-DD)"}}`.
/// The codes are those of PROTOCOL.md plus `not_found`, `method_not_allowed` and
/// `unavailable`, which only HTTP needs.
public enum APIError: Error, Hashable, Sendable {
    /// Why a request is not authenticated.
    public enum Credentials: String, Hashable, Sendable {
        /// No `Authorization: Bearer …` header.
        case missing
        /// Not of the `fc_<scope>_<id>_<secret>` shape.
        case malformed
        /// Unknown token, or its secret does not match.
        case unknown
        /// The token was revoked.
        case revoked
    }

    /// A query or path parameter is wrong; the message starts with the parameter's name.
    case invalidField(name: String, problem: String)
    case unauthorized(Credentials)
    /// Authenticated, but this resource is not the caller's.
    case forbidden(String)
    case notFound(String)
    /// The path exists, the method does not (`allowed` fills the `Allow` header).
    case methodNotAllowed(allowed: [String])
    /// A request body where none is accepted, or a longer one than the limit.
    case tooLarge(limit: Int)
    /// A dependency is missing or temporarily failing (leaderboards off, store busy).
    case unavailable(String)
    /// A bug or a permanent store failure; the message is safe to show (no internals).
    case `internal`(String)

    /// The HTTP status (RFC 7231 §6).
    public var httpStatus: Int {
        switch self {
        case .invalidField: 400
        case .unauthorized: 401
        case .forbidden: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .tooLarge: 413
        case .internal: 500
        case .unavailable: 503
        }
    }

    /// The stable machine-readable code of the JSON body.
    public var code: String {
        switch self {
        case .invalidField: "invalid_field"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .tooLarge: "too_large"
        case .unavailable: "unavailable"
        case .internal: "internal"
        }
    }

    /// Human-readable; says what to fix.
    public var message: String {
        switch self {
        case .invalidField(let name, let problem): name + ": " + problem
        case .unauthorized(.missing): "send Authorization: Bearer <token>"
        case .unauthorized(.malformed): "the bearer token is not a Flowcoach token"
        case .unauthorized(.unknown): "the bearer token is not valid"
        case .unauthorized(.revoked): "the bearer token was revoked"
        case .forbidden(let message), .notFound(let message), .unavailable(let message), .internal(let message):
            message
        case .methodNotAllowed(let allowed): "use " + allowed.joined(separator: " or ")
        case .tooLarge(let limit): "request bodies are limited to \(limit) bytes"
        }
    }

    /// Headers the status requires.
    public var headers: [HTTPHeader] {
        switch self {
        case .unauthorized(.missing):
            // RFC 6750 §3.1: no error code when the request carried no credentials.
            [HTTPHeader(name: "WWW-Authenticate", value: #"Bearer realm="flowcoach""#)]
        case .unauthorized(let credentials):
            // RFC 6750 §3.1: invalid_token for a malformed, unknown or revoked token.
            [HTTPHeader(
                name: "WWW-Authenticate",
                value: #"Bearer realm="flowcoach", error="invalid_token", error_description="token \#(credentials.rawValue)""#)]
        case .methodNotAllowed(let allowed):
            // RFC 7231 §6.5.5: a 405 response MUST generate an Allow header field.
            [HTTPHeader(name: "Allow", value: allowed.joined(separator: ", "))]
        case .invalidField, .forbidden, .notFound, .tooLarge, .unavailable, .internal:
            []
        }
    }

    /// The complete response.
    public var response: APIResponse {
        var json = JSONWriter(capacity: 128)
        json.beginObject()
        json.key("error")
        json.beginObject()
        json.key("code"); json.value(string: code)
        json.key("message"); json.value(string: message)
        json.endObject()
        json.endObject()
        return APIResponse(status: httpStatus, json: json.bytes, extraHeaders: headers)
    }

    /// The mapping of a store failure: transient ones are worth a retry (503), the rest
    /// are ours (500). The store's message is not shown (it may name tables or paths).
    init(_ error: StoreError) {
        self = error.isTransient ? .unavailable("the store is busy; retry shortly") : .internal("the store failed")
    }
}
