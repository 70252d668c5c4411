/// An OpenSSL context (`SSL_CTX`) that ``TLSSession``s are created from: the server's
/// certificate-loading `TLSContext` or the soak client's verifying client context.
///
/// Every session keeps a strong reference to its provider, so the `SSL_CTX` (and whatever
/// its callbacks read, such as the server's ALPN list) outlives every session made from it,
/// even after a reload swapped in a newer one.
///
/// Conformers are classes that finish configuring the `SSL_CTX` in `init`, before the
/// reference escapes; afterwards sessions only call `SSL_new` on it, which OpenSSL allows
/// from any thread (the reference count it bumps is atomic). That is what makes sharing one
/// provider between event-loop threads sound.
public protocol TLSContextProviding: AnyObject, Sendable {
    /// The `SSL_CTX *`, valid for the provider's lifetime; owned by the provider.
    var sslContext: OpaquePointer { get }
    /// Whether server sessions from this context take TLS 1.3 records over from OpenSSL
    /// after the handshake (``TLS13RecordLayer``). The context must then capture traffic
    /// secrets (`fc_SSL_CTX_capture_tls13_secrets`) and send no session tickets.
    var offloadsTLS13Records: Bool { get }
}

extension TLSContextProviding {
    /// OpenSSL's record layer throughout, unless a conformer says otherwise.
    public var offloadsTLS13Records: Bool { false }
}
