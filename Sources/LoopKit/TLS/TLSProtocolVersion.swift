/// A TLS protocol version a context can be limited to, or a session negotiated.
public enum TLSProtocolVersion: Sendable, Hashable, Comparable {
    /// TLS 1.2 (RFC 5246).
    case tls12
    /// TLS 1.3 (RFC 8446).
    case tls13
}
