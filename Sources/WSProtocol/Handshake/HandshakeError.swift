/// Why an upgrade request was refused (RFC 6455 §4.2.1-§4.2.2, §4.4); each case maps to one
/// HTTP status and, where the RFC asks for it, response headers.
public enum HandshakeError: Error, Equatable, Hashable, Sendable {
    /// Not a GET request.
    case methodNotAllowed
    /// Older than HTTP/1.1.
    case httpVersionTooOld
    /// No Host header, or more than one.
    case invalidHost
    /// No `Upgrade` header containing the `websocket` token.
    case upgradeNotWebSocket
    /// No `Connection` header containing the `upgrade` token.
    case connectionNotUpgrade
    /// `Sec-WebSocket-Key` missing, repeated, or not base64 of exactly 16 bytes.
    case invalidKey
    /// `Sec-WebSocket-Version` missing.
    case missingVersion
    /// `Sec-WebSocket-Version` present but not 13.
    case unsupportedVersion
    /// `Sec-WebSocket-Protocol` is not a list of tokens.
    case malformedSubprotocols
    /// The client offered subprotocols, none acceptable, and the policy rejects that.
    case noAcceptableSubprotocol
    /// `Sec-WebSocket-Extensions` is syntactically invalid.
    case malformedExtensions
    /// The extension negotiation hook refused the offers.
    case extensionsRejected(reason: String)

    /// The response status.
    public var httpStatus: Int {
        switch self {
        case .methodNotAllowed:
            return 405
        case .upgradeNotWebSocket, .unsupportedVersion:
            return 426
        case .httpVersionTooOld, .invalidHost, .connectionNotUpgrade, .invalidKey, .missingVersion,
             .malformedSubprotocols, .noAcceptableSubprotocol, .malformedExtensions, .extensionsRejected:
            return 400
        }
    }

    /// Headers the response must carry besides Content-Length/Connection.
    public var responseHeaders: [HTTPHeader] {
        switch self {
        case .methodNotAllowed:
            // RFC 7231 §6.5.5: a 405 MUST include an Allow header.
            return [HTTPHeader(name: "Allow", value: "GET")]
        case .upgradeNotWebSocket:
            // RFC 7231 §6.5.15: a 426 MUST send an Upgrade header naming the protocol(s).
            return [HTTPHeader(name: "Upgrade", value: "websocket"), HTTPHeader(name: "Sec-WebSocket-Version", value: "13")]
        case .unsupportedVersion:
            // RFC 6455 §4.4: the server MUST respond with a |Sec-WebSocket-Version| header
            // listing the versions it supports (426 Upgrade Required, §4.2.2).
            return [HTTPHeader(name: "Upgrade", value: "websocket"), HTTPHeader(name: "Sec-WebSocket-Version", value: "13")]
        case .httpVersionTooOld, .invalidHost, .connectionNotUpgrade, .invalidKey, .missingVersion,
             .malformedSubprotocols, .noAcceptableSubprotocol, .malformedExtensions, .extensionsRejected:
            return []
        }
    }

    /// A short body saying exactly what was wrong.
    public var reason: String {
        switch self {
        case .methodNotAllowed: return "WebSocket upgrade requires GET"
        case .httpVersionTooOld: return "WebSocket upgrade requires HTTP/1.1 or higher"
        case .invalidHost: return "exactly one Host header is required"
        case .upgradeNotWebSocket: return "Upgrade header must include websocket"
        case .connectionNotUpgrade: return "Connection header must include upgrade"
        case .invalidKey: return "Sec-WebSocket-Key must be base64 of 16 bytes"
        case .missingVersion: return "Sec-WebSocket-Version header is required"
        case .unsupportedVersion: return "unsupported Sec-WebSocket-Version; supported: 13"
        case .malformedSubprotocols: return "Sec-WebSocket-Protocol must be a list of tokens"
        case .noAcceptableSubprotocol: return "no offered subprotocol is supported"
        case .malformedExtensions: return "malformed Sec-WebSocket-Extensions"
        case .extensionsRejected(let reason): return "extension negotiation failed: \(reason)"
        }
    }
}
