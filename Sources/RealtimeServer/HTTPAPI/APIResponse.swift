import CoachingCore
public import WSProtocol

/// What the API answers: the shell writes it with `HTTPResponseWriter` (status line,
/// `Content-Type`, `Content-Length`, then ``extraHeaders``) and closes or keeps the
/// connection as it does for its other plain routes.
public struct APIResponse: Sendable {
    /// HTTP status code.
    public var status: Int
    /// Reason phrase for the status line (RFC 7230 §3.1.2).
    public var reason: String
    public var contentType: String
    public var body: [UInt8]
    /// Headers beyond `Content-Type` and `Content-Length` (`WWW-Authenticate`, `Allow`,
    /// `Content-Disposition`, `Cache-Control`).
    public var extraHeaders: [HTTPHeader]

    public init(status: Int, reason: String, contentType: String, body: [UInt8], extraHeaders: [HTTPHeader] = []) {
        self.status = status
        self.reason = reason
        self.contentType = contentType
        self.body = body
        self.extraHeaders = extraHeaders
    }

    /// The media type of every API body.
    public static let jsonContentType = "application/json; charset=utf-8"

    /// A JSON body with the standard reason phrase; API answers are never cached
    /// (they hold personal data).
    init(status: Int, json: [UInt8], extraHeaders: [HTTPHeader] = []) {
        self.init(
            status: status, reason: Self.reasonPhrase(status), contentType: Self.jsonContentType, body: json,
            extraHeaders: [HTTPHeader(name: "Cache-Control", value: "no-store")] + extraHeaders)
    }

    /// The first value of a header in ``extraHeaders`` (case-insensitive name).
    public func header(_ name: String) -> String? {
        extraHeaders.first { HeaderGrammar.equalsIgnoringCase($0.name, name) }?.value
    }

    /// RFC 7231 §6.1 reason phrases of the statuses the API uses.
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 411: "Length Required"
        case 413: "Payload Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Unknown"
        }
    }
}
