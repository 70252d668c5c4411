/// Why a request head was refused before any WebSocket rule was checked; each case maps
/// to one HTTP status (431 for limits, 400 for malformed input).
public enum HTTPRequestError: Error, Equatable, Hashable, Sendable {
    /// The request line and headers exceed `HTTPLimits.maxHeadSize` bytes.
    case headTooLarge(limit: Int)
    /// More than `HTTPLimits.maxHeaderCount` header fields.
    case tooManyHeaders(limit: Int)
    /// The request line is not `method SP request-target SP HTTP/d.d`.
    case invalidRequestLine
    /// A CR not followed by LF.
    case bareCR
    /// An LF not preceded by CR (lines must end in CRLF).
    case missingCR
    /// A header line starting with whitespace (obs-fold, RFC 7230 §3.2.4).
    case obsoleteLineFolding
    /// A header name that is empty, not a token, or followed by whitespace before the colon.
    case invalidHeaderName(line: Int)
    /// A header line without a colon.
    case missingColon(line: Int)
    /// A header value containing a control character.
    case invalidHeaderValue(line: Int)

    /// The response status: 431 Request Header Fields Too Large or 400 Bad Request.
    public var httpStatus: Int {
        switch self {
        case .headTooLarge, .tooManyHeaders:
            return 431
        case .invalidRequestLine, .bareCR, .missingCR, .obsoleteLineFolding, .invalidHeaderName,
             .missingColon, .invalidHeaderValue:
            return 400
        }
    }

    /// A short body for the response saying exactly what was wrong.
    public var reason: String {
        switch self {
        case .headTooLarge(let limit): return "request line and headers exceed \(limit) bytes"
        case .tooManyHeaders(let limit): return "more than \(limit) header fields"
        case .invalidRequestLine: return "malformed request line"
        case .bareCR: return "CR not followed by LF"
        case .missingCR: return "line not terminated by CRLF"
        case .obsoleteLineFolding: return "obsolete line folding (header line starting with whitespace)"
        case .invalidHeaderName(let line): return "invalid header field name on line \(line)"
        case .missingColon(let line): return "header field without colon on line \(line)"
        case .invalidHeaderValue(let line): return "control character in header field value on line \(line)"
        }
    }
}
