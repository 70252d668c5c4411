import CoachingCore
public import LoopKit

/// What a TLS listener needs to build a ``TLSContext``: files, protocol versions, ALPN
/// and cipher policy. A plain value, so it can be read from the configuration on the
/// main thread and handed to every event loop.
///
/// Defaults follow Mozilla's "intermediate" profile trimmed to forward-secret AEAD only:
///
/// - **Versions:** TLS 1.2 and TLS 1.3. Nothing older is negotiated; a TLS 1.1 client
///   gets a `protocol_version` alert (RFC 8996 deprecates TLS 1.0 and 1.1).
/// - **TLS 1.3 suites:** the three OpenSSL enables by default, all AEAD by construction
///   (RFC 8446 §9.1), chosen in the **server's** order (``defaultTLS13CipherSuites``):
///   AES-128-GCM first, then AES-256-GCM, then ChaCha20-Poly1305. AES-128-GCM is the
///   suite every TLS 1.3 implementation must support (RFC 8446 §9.1), its 128-bit key
///   leaves an ample security margin, and it costs the server less per record than
///   AES-256-GCM (10 rounds instead of 14; fewer instructions per message, see
///   docs/BENCHMARKS.md). A client that lists ChaCha20-Poly1305 first (typically one
///   without AES instructions) still gets it (`SSL_OP_PRIORITIZE_CHACHA`), and a client
///   that offers only AES-256-GCM gets that.
/// - **TLS 1.2 suites:** ECDHE key exchange with an AEAD only (``defaultTLS12CipherList``):
///   no static RSA key exchange, no CBC, no SHA-1 MACs.
/// - **ALPN:** `http/1.1` only, because the WebSocket upgrade is an HTTP/1.1 exchange
///   (RFC 6455 §4.1). A client that offers ALPN without `http/1.1` (for example only `h2`)
///   gets a fatal `no_application_protocol` alert, as RFC 7301 §3.2 requires ("the
///   server SHALL respond with a fatal 'no_application_protocol' alert"). A client that
///   offers no ALPN at all is served without it.
/// - **SNI:** neither required nor used; a listener serves one certificate chain
///   (clients connecting by IP address send no server name and are served the same).
/// - **Session resumption: off.** No stateful cache and no tickets. Connections are
///   long-lived (one socket per editor window), so a full handshake is amortized over
///   hours; nodes sit behind a TCP load balancer without shared ticket keys, so a ticket
///   would resume on the right node only by chance; a reload (SIGHUP) makes a new
///   context and so new ticket keys anyway. Turning it off saves the ticket message,
///   its encryption, and the cached `SSL_SESSION` per connection.
public struct TLSConfiguration: Sendable, Hashable {
    /// A TLS protocol version this layer can be limited to (LoopKit's, which sessions report).
    public typealias ProtocolVersion = TLSProtocolVersion

    /// PEM file with the server certificate first, then any intermediates.
    public var certificateChainPath: String
    /// PEM file with the private key matching the first certificate of the chain.
    public var privateKeyPath: String
    /// PEM file of CA certificates to trust when verifying *peers*. The server does not
    /// ask clients for certificates; tests use it for the client side.
    public var trustRootsPath: String?
    /// ALPN protocol names the server accepts, in preference order.
    public var applicationProtocols: [String]
    /// Oldest protocol version accepted.
    public var minimumProtocolVersion: ProtocolVersion
    /// OpenSSL cipher list for TLS 1.2, in the server's order of preference.
    public var tls12CipherList: String
    /// TLS 1.3 cipher suites (`SSL_CTX_set_ciphersuites` syntax), in the server's order of
    /// preference.
    public var tls13CipherSuites: String
    /// Encrypt and decrypt AES-GCM and ChaCha20-Poly1305 records with libcrypto's built-in
    /// implementations, reached directly, instead of through OpenSSL 3.0's provider interface
    /// (``BuiltInRecordCiphers``: an eighth less TLS work per request and reply). Only
    /// with OpenSSL 3.0 and outside FIPS mode; process-wide and one-way — once a context
    /// installed it, every later context uses it. Default on.
    public var builtInRecordCiphers = true
    /// After OpenSSL's handshake, seal and open TLS 1.3 records (AES-GCM and
    /// ChaCha20-Poly1305) in Flowcoach's own record layer rather than OpenSSL's
    /// (``TLS13RecordLayer``: the kernel-TLS hand-over, in user space). TLS 1.2
    /// connections stay with OpenSSL. Default on.
    public var ownRecordLayer = true

    /// AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305: OpenSSL's default three, cheapest first.
    public static let defaultTLS13CipherSuites =
        "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

    /// ECDHE key exchange with AES-GCM or ChaCha20-Poly1305, for ECDSA and RSA keys.
    public static let defaultTLS12CipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

    /// Creates a configuration with the defaults documented on the type.
    public init(
        certificateChainPath: String,
        privateKeyPath: String,
        trustRootsPath: String? = nil,
        applicationProtocols: [String] = ["http/1.1"],
        minimumProtocolVersion: ProtocolVersion = .tls12,
        tls12CipherList: String = TLSConfiguration.defaultTLS12CipherList,
        tls13CipherSuites: String = TLSConfiguration.defaultTLS13CipherSuites
    ) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.trustRootsPath = trustRootsPath
        self.applicationProtocols = applicationProtocols
        self.minimumProtocolVersion = minimumProtocolVersion
        self.tls12CipherList = tls12CipherList
        self.tls13CipherSuites = tls13CipherSuites
    }

    /// ALPN names in wire format (RFC 7301 §3.1: each name prefixed by its one-byte
    /// length), or `nil` when a name is empty or longer than 255 bytes.
    var applicationProtocolsWireFormat: [UInt8]? {
        var wire: [UInt8] = []
        for name in applicationProtocols {
            let bytes = Array(name.utf8)
            guard !bytes.isEmpty, bytes.count <= 255 else { return nil }
            wire.append(UInt8(bytes.count))
            wire.append(contentsOf: bytes)
        }
        return wire
    }
}
