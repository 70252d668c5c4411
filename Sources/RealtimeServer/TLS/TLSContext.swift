internal import COpenSSL
import CoachingCore
public import LoopKit

/// A server-side OpenSSL context (`SSL_CTX`) built from a ``TLSConfiguration``: the
/// certificate chain and key, protocol versions, ciphers and the ALPN policy.
///
/// Loading refuses what would only fail later, at a client: an unreadable file, a key
/// that does not match the certificate, and an expired or not-yet-valid certificate
/// (``TLSContextError`` names the file and the date).
///
/// ## Thread safety
/// One context is shared by every event-loop thread. All configuration happens in
/// `init`, before the reference escapes; afterwards the only uses are `SSL_new` (which
/// OpenSSL 3 documents as safe on a shared, no-longer-modified `SSL_CTX`; the reference
/// count it bumps is atomic) and the ALPN callback, which only reads ``alpnWireFormat``,
/// immutable after `init`. That is why the class is `@unchecked Sendable`.
///
/// ## Lifetime
/// Each ``TLSSession`` keeps a strong reference to its context, so the `SSL_CTX` and
/// the ALPN bytes its callback reads outlive every session created from it, even after
/// ``TLSContextStore`` swapped in a newer context. `deinit` frees both exactly once.
public final class TLSContext: @unchecked Sendable {
    /// The `SSL_CTX *`; owned, freed in `deinit`.
    let pointer: OpaquePointer
    /// ALPN names in wire format plus a 0 terminator, read by the select callback;
    /// owned, freed in `deinit`.
    private let alpnWireFormat: UnsafeMutableRawBufferPointer
    /// The configuration this context was loaded from.
    public let configuration: TLSConfiguration
    /// The leaf certificate's subject, e.g. "/CN=localhost" (for the startup log line).
    public let certificateSubject: String
    /// The leaf certificate's notAfter date, ISO 8601 UTC (log it; alert before it).
    public let certificateNotAfter: String
    /// How this process encrypts records (``BuiltInRecordCiphers``), or nil when the
    /// configuration turned the built-in AEADs off (for the start-up log line).
    public let recordCiphers: BuiltInRecordCiphers?
    /// Whether sessions take TLS 1.3 records over after the handshake
    /// (``TLSConfiguration/ownRecordLayer``).
    public let offloadsTLS13Records: Bool

    /// Loads the files named by `configuration` and applies the policy documented on
    /// ``TLSConfiguration``.
    public init(configuration: TLSConfiguration) throws(TLSContextError) {
        guard let wire = configuration.applicationProtocolsWireFormat else {
            throw .invalidApplicationProtocol
        }
        ERR_clear_error()
        // Before SSL_CTX_new: a context picks its record ciphers when it is created.
        let recordCiphers = configuration.builtInRecordCiphers ? BuiltInRecordCiphers.install() : nil
        guard let method = TLS_server_method(), let context = SSL_CTX_new(method) else {
            throw .cannotCreateContext(reason: OpenSSLErrorQueue.message(or: "SSL_CTX_new failed"))
        }
        // From here on `context` must be freed on every error path.
        let leaf: TLSContext.CertificateSummary
        do throws(TLSContextError) {
            try Self.applyProtocolPolicy(context, configuration)
            leaf = try Self.loadCertificateAndKey(context, configuration)
            if let roots = configuration.trustRootsPath {
                guard SSL_CTX_load_verify_locations(context, roots, nil) == 1 else {
                    throw .cannotLoadTrustRoots(path: roots, reason: OpenSSLErrorQueue.message(or: "unreadable"))
                }
            }
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        // The callback gets a bare pointer, so the list ends with a zero length byte
        // (a name is never empty).
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: wire.count + 1, alignment: 1)
        buffer.copyBytes(from: wire + [0])
        self.pointer = context
        self.alpnWireFormat = buffer
        self.configuration = configuration
        self.certificateSubject = leaf.subject
        self.certificateNotAfter = leaf.notAfter
        self.recordCiphers = recordCiphers
        self.offloadsTLS13Records = configuration.ownRecordLayer
        if configuration.ownRecordLayer { TLSSession.captureTrafficSecrets(of: context) }
        // No configured names: ALPN is not negotiated at all (offers are ignored).
        if !wire.isEmpty { installALPNCallback() }
    }

    deinit {
        SSL_CTX_free(pointer)
        alpnWireFormat.deallocate()
    }

    /// Versions, options, modes, session policy and ciphers.
    private static func applyProtocolPolicy(
        _ context: OpaquePointer, _ configuration: TLSConfiguration
    ) throws(TLSContextError) {
        let minimum = configuration.minimumProtocolVersion == .tls13 ? TLS1_3_VERSION : TLS1_2_VERSION
        guard fc_SSL_CTX_set_min_proto_version(context, minimum) == 1,
            fc_SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION) == 1
        else {
            throw .cannotCreateContext(reason: OpenSSLErrorQueue.message(or: "cannot set protocol versions"))
        }
        // Renegotiation is refused outright (a client-initiated renegotiation is a cheap
        // CPU-exhaustion lever and TLS 1.3 removed it); TLS compression is off (CRIME).
        // No tickets (see TLSConfiguration: resumption is off). The server's order of
        // suites decides (the cheapest first), except that a client listing
        // ChaCha20-Poly1305 first, likely one without AES instructions, keeps it.
        _ = SSL_CTX_set_options(
            context,
            fc_SSL_OP_ALL | fc_SSL_OP_NO_RENEGOTIATION | fc_SSL_OP_NO_COMPRESSION | fc_SSL_OP_NO_TICKET
                | fc_SSL_OP_CIPHER_SERVER_PREFERENCE | fc_SSL_OP_PRIORITIZE_CHACHA)
        _ = SSL_CTX_set_num_tickets(context, 0)
        _ = fc_SSL_CTX_set_session_cache_mode(context, Int(SSL_SESS_CACHE_OFF))
        // RELEASE_BUFFERS: an idle connection holds no 16 KiB record buffers.
        // ACCEPT_MOVING_WRITE_BUFFER: a retried SSL_write may come from a moved array.
        // NO_AUTO_CHAIN: send exactly the chain file (leaf + intermediates, as in
        // Let's Encrypt's fullchain.pem) instead of rebuilding a chain from the trust
        // store on every handshake.
        _ = fc_SSL_CTX_set_mode(
            context,
            Int(SSL_MODE_RELEASE_BUFFERS) | Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER) | Int(SSL_MODE_NO_AUTO_CHAIN))
        guard SSL_CTX_set_cipher_list(context, configuration.tls12CipherList) == 1 else {
            ERR_clear_error()
            throw .invalidCipherList(configuration.tls12CipherList)
        }
        guard SSL_CTX_set_ciphersuites(context, configuration.tls13CipherSuites) == 1 else {
            ERR_clear_error()
            throw .invalidCipherSuites(configuration.tls13CipherSuites)
        }
    }

    /// Selects the first of our ALPN names that the client offered (server preference).
    /// RFC 7301 §3.2: no overlap → fatal `no_application_protocol` alert.
    private func installALPNCallback() {
        SSL_CTX_set_alpn_select_cb(
            pointer,
            { _, selected, selectedLength, offered, offeredLength, argument in
                guard let selected, let selectedLength, let offered, let argument else {
                    return SSL_TLSEXT_ERR_ALERT_FATAL
                }
                let choice = ALPNSelection.select(
                    ours: UnsafeRawPointer(argument),
                    offered: UnsafeRawBufferPointer(start: offered, count: Int(offeredLength)))
                guard let choice else { return SSL_TLSEXT_ERR_ALERT_FATAL }
                selected.pointee = offered.advanced(by: choice.offset)
                selectedLength.pointee = UInt8(choice.length)
                return SSL_TLSEXT_ERR_OK
            },
            alpnWireFormat.baseAddress)
    }
}

extension TLSContext: TLSContextProviding {
    /// The `SSL_CTX` every ``TLSSession`` of this context is created from.
    public var sslContext: OpaquePointer { pointer }
}
