internal import COpenSSL

/// Why a ``TLSSession`` failed. Every case but ``sessionClosed`` is the peer's fault (or
/// the network's): the connection logs ``description`` and closes the socket; the event
/// loop keeps serving everyone else.
public enum TLSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The first bytes were an HTTP request line, not a TLS record: a client used
    /// `ws://`/`http://` against the TLS port. ``TLSSession/drainCiphertext(into:)`` then
    /// yields a cleartext `400 Bad Request` explaining it (see ``TLSSession``).
    case plaintextHTTPRequest
    /// The handshake failed: no shared version, cipher or ALPN protocol, a malformed
    /// ClientHello, garbage bytes, or an alert from the client (e.g. it rejected our
    /// certificate). `reason` is OpenSSL's text, e.g. "no shared cipher".
    case handshakeFailed(reason: String)
    /// After the handshake: a bad record, a failed MAC, a fatal alert from the peer, or
    /// a refused renegotiation.
    case protocolFailure(reason: String)
    /// The transport ended (TCP FIN) before the peer sent close_notify (RFC 8446 §6.1),
    /// e.g. a truncated ClientHello followed by EOF.
    case unexpectedEOF
    /// Local misuse: the session already failed, or plaintext was written after
    /// ``TLSSession/shutdown()``.
    case sessionClosed

    public var description: String {
        switch self {
        case .plaintextHTTPRequest: return "plaintext HTTP request on a TLS port"
        case .handshakeFailed(let reason): return "handshake failed: \(reason)"
        case .protocolFailure(let reason): return "TLS protocol failure: \(reason)"
        case .unexpectedEOF: return "unexpected EOF (no close_notify)"
        case .sessionClosed: return "TLS session already closed"
        }
    }

    /// Empties this thread's OpenSSL error queue and turns it into one error.
    /// `duringHandshake` picks between ``handshakeFailed(reason:)`` and
    /// ``protocolFailure(reason:)``; well-known reasons get their own case.
    ///
    /// `verifyResult` is the client's `SSL_get_verify_result`: when the peer's certificate
    /// did not verify, the reason names X.509's verdict ("certificate has expired", …).
    static func fromErrorQueue(duringHandshake: Bool, verifyResult: Int = Int(X509_V_OK)) -> TLSError {
        let drained = OpenSSLErrorQueue.drain()
        if verifyResult != Int(X509_V_OK), let text = X509_verify_cert_error_string(verifyResult) {
            return .handshakeFailed(reason: "certificate verify failed: \(String(cString: text))")
        }
        switch drained.firstReasonCode {
        case SSL_R_UNEXPECTED_EOF_WHILE_READING:
            return .unexpectedEOF
        case SSL_R_HTTP_REQUEST, SSL_R_HTTPS_PROXY_REQUEST:
            return .plaintextHTTPRequest
        default:
            let reason = drained.message ?? "unknown error"
            return duringHandshake ? .handshakeFailed(reason: reason) : .protocolFailure(reason: reason)
        }
    }
}
