internal import COpenSSL

/// Reads OpenSSL's per-thread error queue. OpenSSL queues errors per thread, so this is
/// safe on any event-loop thread as long as it runs right after the failing call, on
/// the same thread (which is how ``TLSSession`` and the server's `TLSContext` use it).
public enum OpenSSLErrorQueue {
    /// The first (root-cause) reason code and all messages, joined.
    public struct Drained: Sendable {
        public var firstReasonCode: Int32?
        public var message: String?
    }

    /// Pops every queued error, oldest first.
    public static func drain() -> Drained {
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

    /// Empties the queue before an `SSL_*` I/O call, as `SSL_get_error` requires. A look
    /// first: the queue is almost always empty already, and `ERR_clear_error` walks all of
    /// its slots every time: hundreds of instructions in OpenSSL 3.0, three times per message
    /// on a TLS connection, where a look costs a few dozen.
    @inline(__always)
    public static func clearIfNotEmpty() {
        if ERR_peek_error() != 0 { ERR_clear_error() }
    }

    /// The queued errors as one readable string (or `fallback` when the queue is empty).
    public static func message(or fallback: String) -> String {
        drain().message ?? fallback
    }
}
