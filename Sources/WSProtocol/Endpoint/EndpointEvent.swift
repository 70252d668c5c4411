/// What `WebSocketEndpoint.nextEvent(from:consumed:output:)` produced.
///
/// Payload pointers are valid until the next call on the endpoint or until the input buffer
/// is reused, whichever comes first; copy what must outlive that.
public enum EndpointEvent {
    /// All input consumed; call again when more bytes arrive.
    case needMoreData
    /// A complete text message, already validated as UTF-8.
    case text(UnsafeRawBufferPointer)
    /// A complete binary message.
    case binary(UnsafeRawBufferPointer)
    /// A Ping; the Pong reply has already been appended to the output (while open).
    case ping(UnsafeRawBufferPointer)
    /// A Pong (solicited or not).
    case pong(UnsafeRawBufferPointer)
    /// The closing handshake completed (our reply, if we owed one, is in the output).
    /// `code` is nil when the peer's Close had no body (1005, "no status received").
    case closed(code: CloseCode?, reason: String)
    /// The peer broke the protocol; a Close with `violation.closeCode` is in the output.
    case failed(ProtocolViolation)
}

/// What the shell must do with the transport after flushing pending output.
public enum TransportDirective: Sendable, Equatable {
    /// Keep the connection open.
    case none
    /// Flush the output, then close the TCP connection (RFC 6455 §7.1.1: the server closes
    /// the underlying TCP connection first; also after failing the connection).
    case closeAfterFlush
}
