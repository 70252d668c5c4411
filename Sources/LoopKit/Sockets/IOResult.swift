/// Outcome of a non-blocking read or write (see ``SystemCall``).
public enum IOResult: Equatable, Sendable {
    /// This many bytes were transferred (0 on read means EOF).
    case transferred(Int)
    /// The socket is not ready (EAGAIN/EWOULDBLOCK).
    case wouldBlock
    /// The connection is broken (ECONNRESET, EPIPE, …); the errno says why.
    case failed(Int32)
}
