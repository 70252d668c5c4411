/// Where the endpoint is in the connection's life (RFC 6455 §4-§7).
public enum EndpointState: Sendable, Equatable {
    /// The connection is OPEN: messages flow both ways.
    case open
    /// We started the closing handshake (§5.5.1, "Start the WebSocket Closing Handshake")
    /// and await the peer's Close; no more data may be sent, received frames still arrive.
    case closeSent
    /// Nothing more is sent or received; the shell closes the transport after flushing.
    case closed(CloseReason)
}

/// Why an endpoint reached `.closed`.
public enum CloseReason: Sendable, Equatable {
    /// The closing handshake completed. `code` is the peer's status code (nil when its Close
    /// had no body, reported as 1005 per §7.1.5); `initiatedLocally` tells a close we
    /// started from one the peer started.
    case handshakeCompleted(code: CloseCode?, initiatedLocally: Bool)
    /// This endpoint failed the connection (§7.1.7) for `violation`.
    case failed(ProtocolViolation)
}
