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
    static func fromErrorQueue(duringHandshake: Bool) -> TLSError {
        let drained = OpenSSLErrorQueue.drain()
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

/// Reads OpenSSL's per-thread error queue. OpenSSL queues errors per thread, so this is
/// safe on any event-loop thread as long as it runs right after the failing call, on
/// the same thread (which is how ``TLSSession`` and ``TLSContext`` use it).
enum OpenSSLErrorQueue {
    /// The first (root-cause) reason code and all messages, joined.
    struct Drained {
        var firstReasonCode: Int32?
        var message: String?
    }

    /// Pops every queued error, oldest first.
    static func drain() -> Drained {
        var result = Drained()
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if result.firstReasonCode == nil { result.firstReasonCode = fc_ERR_GET_REASON(code) }
            if let text = ERR_reason_error_string(code) {
                messages.append(String(cString: text))
            } else {
                messages.append("error 0x\(String(code, radix: 16))")
            }
            // Bound the work for a pathological queue.
            if messages.count >= 8 { ERR_clear_error(); break }
        }
        if !messages.isEmpty { result.message = messages.joined(separator: "; ") }
        return result
    }

    /// The queued errors as one readable string (or `fallback` when the queue is empty).
    static func message(or fallback: String) -> String {
        drain().message ?? fallback
    }
}
