/// What ``TLSSession/readPlaintext(into:)`` produced.
public enum TLSReadResult: Sendable, Equatable {
    /// `n` plaintext bytes were written to the front of the buffer. Call again: more
    /// may be ready (one call returns at most one TLS record).
    case bytes(Int)
    /// Nothing more can be decrypted until the socket delivers more ciphertext. The
    /// handshake may have produced output: drain before waiting.
    case wantMoreCiphertext
    /// The peer sent close_notify (RFC 8446 §6.1), or closed the TCP stream before
    /// sending a single byte (a port probe). No more plaintext will come.
    case closed
    /// The session is dead; log the error, drain (a TLS alert or a cleartext 400 may
    /// be waiting), flush and close the socket.
    case failed(TLSError)
}

/// What ``TLSSession/writePlaintext(_:)`` did with the bytes.
public enum TLSWriteResult: Sendable, Equatable {
    /// Every byte was encrypted into records waiting in the session: drain them.
    case written
    /// The bytes were copied into the session's pending queue because the handshake is
    /// not finished yet; they are encrypted as soon as it is (during a later
    /// ``TLSSession/readPlaintext(into:)``), in order.
    case queued
    /// Nothing was accepted; see the error.
    case failed(TLSError)
}
