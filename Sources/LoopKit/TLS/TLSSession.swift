internal import COpenSSL
public import WSProtocol

/// One end of a TLS connection, sans-I/O: ciphertext in, plaintext out, and plaintext in,
/// ciphertext out. It never touches a socket; OpenSSL reads from and writes to one custom
/// BIO (``CiphertextBIO``) over buffers this type fills and drains, so a record is copied
/// once each way between the loop's buffers and OpenSSL's. The server accepts with it
/// (``init(context:)``), the soak client connects with it (``init(clientContext:serverName:)``).
///
/// Owned by one connection on one event-loop thread (it is `~Copyable` and not
/// `Sendable`). The handshake runs implicitly inside ``readPlaintext(into:)``; a client
/// calls it once right after the TCP connect, which queues the ClientHello to drain.
///
/// ## Call sequence (the connection's side)
/// - **Readable event:** `read(2)` into a scratch buffer, ``lendCiphertext(_:)`` (no copy;
///   or ``receivedCiphertext(_:)``, which copies, or ``receivedEndOfStream()`` when `read`
///   returned 0), then call ``readPlaintext(into:)`` until it returns
///   `.wantMoreCiphertext`, `.closed` or `.failed`, handing each `.bytes(n)` to the
///   WebSocket layer; then ``endCiphertextLoan()`` before the scratch buffer is reused.
///   Then ``drainCiphertext(into:)`` (handshake messages, alerts) and flush.
/// - **Sending:** ``writePlaintext(_:appendingCiphertextTo:)`` with the outgoing bytes
///   (records go straight to the output), or ``writePlaintext(_:)`` and
///   ``drainCiphertext(into:)``; once per loop iteration, before `writev`.
/// - **Closing:** ``shutdown()``, ``drainCiphertext(into:)``, flush, close the socket.
///
/// ## Memory
/// `SSL_MODE_RELEASE_BUFFERS` (set on the context) frees OpenSSL's record buffers while
/// idle (measured: an idle session after the handshake costs ~15 KiB of heap with it,
/// ~49 KiB without). It frees and allocates them around every record, though, so a busy
/// session keeps them: ``reviewBufferRetention()``, called periodically, turns the mode
/// off for a session that moved at least ``busyRecordsPerReview`` records since the last
/// review and back on (freeing the buffers) once it is quieter. A
/// drained ciphertext buffer whose backing store is larger than ``bufferRetentionLimit``
/// is released, and both are released once the handshake is done, so an idle session
/// keeps neither the handshake flight nor the last burst.
///
/// ## TLS 1.3 records
/// A server session from a context that offloads records
/// (``TLSContextProviding/offloadsTLS13Records``) takes a TLS 1.3 connection's records over
/// from OpenSSL when the handshake ends (``TLS13RecordLayer``): from then on reads, writes
/// and close_notify go through that layer and the `SSL` is freed (an idle session then
/// holds about 3.4 KB instead of 15); the buffer reviews above concern only connections
/// left to OpenSSL (TLS 1.2, or the option off).
public struct TLSSession: ~Copyable {
    /// Where the session is. Close-notify bookkeeping is orthogonal and kept apart.
    enum Phase {
        /// No byte received yet: the first one tells TLS from plaintext HTTP.
        case awaitingFirstByte
        case handshaking
        case established
        case failed(TLSError)
    }

    /// Ciphertext buffer capacity kept after a drain; larger stores are released (one
    /// allocation, far cheaper than encrypting the 4 KiB that made it grow).
    public static let bufferRetentionLimit = 4 * 1024

    /// Records read and written between two ``reviewBufferRetention()`` calls from which
    /// a session counts as busy: 16 per 250 ms sweep of the server is 64 records a second.
    public static let busyRecordsPerReview: UInt32 = 16

    /// Keeps the `SSL_CTX` (and whatever its callbacks read) alive (nil for a session made
    /// in its established state for fuzzing).
    private let context: (any TLSContextProviding)?
    /// Connect state (the soak client) rather than accept state (the server).
    private let isClient: Bool
    /// The `SSL *`; owned, freed in `deinit` (which also frees its BIO), or as soon as the
    /// session took its TLS 1.3 records over (then nil: what the handshake negotiated is
    /// kept in ``negotiated``).
    private var sslHandle: OpaquePointer?
    /// The `SSL *` while OpenSSL has the connection. Only the paths that run before a
    /// hand-over, or for sessions that never had one, use it.
    private var ssl: OpaquePointer { sslHandle.unsafelyUnwrapped }
    /// What the handshake negotiated, kept when the `SSL` was freed at the hand-over.
    private var negotiated: (alpn: String?, suite: TLS13CipherSuite)? = nil
    /// Ciphertext both ways, behind the `SSL`'s BIO; owned, freed in `deinit` after `ssl`.
    private let buffers: UnsafeMutablePointer<CiphertextBuffers>
    private var phase: Phase
    /// Plaintext accepted before the handshake finished (or after a retryable write).
    private var pendingPlaintext: [UInt8] = []
    /// Cleartext bytes to send before any ciphertext (the plaintext-HTTP 400 reply).
    private var cleartextReply: [UInt8] = []
    private var receivedEOF = false
    private var receivedCloseNotify = false
    private var sentCloseNotify = false
    /// Whether the handshake's ciphertext buffers were released already.
    private var releasedHandshakeBuffers = false
    /// False after a read that left no unread ciphertext and no record bytes in OpenSSL;
    /// true again when ciphertext or the end of the stream arrives.
    private var mayHoldInput = true
    /// Records read and written since the last ``reviewBufferRetention()``.
    private var recordsSinceReview: UInt32 = 0
    /// Whether the context asked for `SSL_MODE_RELEASE_BUFFERS` (only then is there a
    /// choice to review).
    private let contextReleasesBuffers: Bool
    /// Whether this session currently keeps OpenSSL's record buffers between records
    /// (``reviewBufferRetention()`` found it busy).
    public private(set) var keepsRecordBuffers = false
    /// Where the context's key-log callback leaves the TLS 1.3 traffic secrets until the
    /// end of the handshake (server sessions whose context offloads records); zeroed and
    /// freed then.
    private var capturedSecrets: UnsafeMutablePointer<fc_tls13_secrets>? = nil
    /// The connection's records after the handshake when this session took them over from
    /// OpenSSL (TLS 1.3 with an AEAD suite; ``TLSContextProviding/offloadsTLS13Records``).
    private var ownRecords: TLS13RecordLayer? = nil

    /// Creates a server session from the current context (the server takes it from its
    /// context store when the connection is accepted).
    public init(context: any TLSContextProviding) throws(TLSError) {
        let (ssl, buffers) = try Self.makeSSL(context)
        SSL_set_accept_state(ssl)
        if context.offloadsTLS13Records {
            let secrets = UnsafeMutablePointer<fc_tls13_secrets>.allocate(capacity: 1)
            secrets.initialize(to: fc_tls13_secrets())
            _ = fc_SSL_set_tls13_secrets(ssl, secrets)
            // Without read-ahead OpenSSL reads nothing past the client's Finished, so the
            // client's first application record is still ours to open after the hand-over.
            SSL_set_read_ahead(ssl, 0)
            capturedSecrets = secrets
        }
        self.context = context
        self.isClient = false
        self.phase = .awaitingFirstByte
        self.sslHandle = ssl
        self.buffers = buffers
        self.contextReleasesBuffers = fc_SSL_get_mode(ssl) & Int(SSL_MODE_RELEASE_BUFFERS) != 0
    }

    /// Creates a client session that verifies the server's certificate (against the
    /// context's trust roots) names `serverName`: a host name (also sent as SNI) or an
    /// IPv4/IPv6 literal (RFC 6066 §3: no IP literals in SNI; the certificate must carry
    /// the address as an iPAddress subjectAltName).
    public init(clientContext context: any TLSContextProviding, serverName: String) throws(TLSError) {
        let (ssl, buffers) = try Self.makeSSL(context)
        SSL_set_connect_state(ssl)
        if X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName) != 1 {
            ERR_clear_error()  // not an IP literal: a host name
            _ = fc_SSL_set_tlsext_host_name(ssl, serverName)
            // RFC 6125: the certificate must name the host we connected to.
            _ = SSL_set1_host(ssl, serverName)
        }
        self.context = context
        self.isClient = true
        self.phase = .handshaking
        self.sslHandle = ssl
        self.buffers = buffers
        self.contextReleasesBuffers = fc_SSL_get_mode(ssl) & Int(SSL_MODE_RELEASE_BUFFERS) != 0
    }

    /// A server session already past its handshake, on its own TLS 1.3 records from the
    /// given traffic secrets, with no `SSL` at all: the fuzzing harness's way to reach the
    /// record layer through the session's public methods. Nil for an unknown suite or bad
    /// secrets.
    @_spi(Fuzzing) public init?(
        establishedWithSuite suiteCode: UInt16, clientSecret: UnsafeRawBufferPointer, serverSecret: UnsafeRawBufferPointer
    ) {
        guard let layer = TLS13RecordLayer(
            suiteCode: suiteCode, clientSecret: clientSecret, serverSecret: serverSecret, isServer: true)
        else { return nil }
        let buffers = UnsafeMutablePointer<CiphertextBuffers>.allocate(capacity: 1)
        buffers.initialize(to: CiphertextBuffers())
        self.context = nil
        self.isClient = false
        self.phase = .established
        self.sslHandle = nil
        self.buffers = buffers
        self.contextReleasesBuffers = false
        self.ownRecords = layer
        self.negotiated = (nil, layer.suite)
        self.releasedHandshakeBuffers = true
    }

    /// An `SSL *` over a fresh ``CiphertextBIO`` (which it owns) and the buffers behind it
    /// (which the caller owns).
    private static func makeSSL(
        _ context: any TLSContextProviding
    ) throws(TLSError) -> (OpaquePointer, UnsafeMutablePointer<CiphertextBuffers>) {
        ERR_clear_error()
        guard let ssl = SSL_new(context.sslContext) else {
            throw .protocolFailure(reason: OpenSSLErrorQueue.message(or: "SSL_new failed (out of memory?)"))
        }
        let buffers = UnsafeMutablePointer<CiphertextBuffers>.allocate(capacity: 1)
        buffers.initialize(to: CiphertextBuffers())
        guard let bio = CiphertextBIO.make(over: buffers) else {
            SSL_free(ssl)
            buffers.deinitialize(count: 1)
            buffers.deallocate()
            throw .protocolFailure(reason: "BIO_new failed (out of memory?)")
        }
        // One BIO both ways: SSL_set_bio takes the single reference.
        SSL_set_bio(ssl, bio, bio)
        // Read-ahead: the record layer takes all the unread ciphertext in one BIO read
        // instead of two per record (its 5-byte header, then its body).
        SSL_set_read_ahead(ssl, 1)
        return (ssl, buffers)
    }

    deinit {
        if let sslHandle { SSL_free(sslHandle) }  // frees the BIO, the last user of the buffers
        buffers.deinitialize(count: 1)
        buffers.deallocate()
        if let capturedSecrets { Self.destroy(capturedSecrets) }
    }

    // MARK: - State

    /// True once the handshake finished; arm the handshake timeout until then.
    public var isHandshakeComplete: Bool { negotiated != nil || SSL_is_init_finished(ssl) == 1 }

    /// The ALPN protocol chosen in the handshake, e.g. "http/1.1"; nil when the client
    /// offered none.
    public var negotiatedALPN: String? {
        if let negotiated { return negotiated.alpn }
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// The negotiated version, nil before the handshake completed.
    public var protocolVersion: TLSProtocolVersion? {
        guard isHandshakeComplete else { return nil }
        if negotiated != nil { return .tls13 }
        switch SSL_version(ssl) {
        case TLS1_3_VERSION: return .tls13
        case TLS1_2_VERSION: return .tls12
        default: return nil
        }
    }

    /// The negotiated cipher suite's OpenSSL name (for the connection log line).
    public var negotiatedCipher: String? {
        if let negotiated { return negotiated.suite.name }
        guard isHandshakeComplete, let cipher = SSL_get_current_cipher(ssl),
            let name = SSL_CIPHER_get_name(cipher)
        else { return nil }
        return String(cString: name)
    }

    /// True when the session seals and opens TLS 1.3 records itself (``TLS13RecordLayer``)
    /// rather than through OpenSSL.
    public var usesOwnRecordLayer: Bool { ownRecords != nil }

    /// The own record layer, once taken over (tests).
    var ownRecordLayer: TLS13RecordLayer? { ownRecords }

    /// Whether the session still holds its OpenSSL `SSL` (tests: freed at the hand-over).
    var holdsOpenSSLSession: Bool { sslHandle != nil }

    /// True when ``drainCiphertext(into:)`` would append something.
    public var hasBytesToDrain: Bool { !cleartextReply.isEmpty || !buffers.pointee.records.isEmpty }

    /// Plaintext bytes accepted but not yet encrypted (counts toward the connection's
    /// outbound limit).
    public var pendingPlaintextCount: Int { pendingPlaintext.count }

    // MARK: - Input

    /// Hands ciphertext read from the socket to OpenSSL (copied into the session).
    /// After a failure input is discarded.
    public mutating func receivedCiphertext(_ bytes: UnsafeRawBufferPointer) {
        guard acceptsCiphertext(bytes) else { return }
        buffers.pointee.kept.append(bytes)
    }

    /// Lends OpenSSL ciphertext read from the socket without copying it: the
    /// ``readPlaintext(into:)`` calls that follow decrypt straight out of `bytes`, which
    /// must stay valid and unchanged until ``endCiphertextLoan()`` (call it before the
    /// buffer is reused, also when a read failed or input was paused).
    public mutating func lendCiphertext(_ bytes: UnsafeRawBufferPointer) {
        guard acceptsCiphertext(bytes) else { return }
        buffers.pointee.lend(bytes)
    }

    /// Ends a ``lendCiphertext(_:)`` loan: what OpenSSL did not read yet (input paused
    /// before the last record, a burst larger than its record buffer) is copied into the
    /// session and read first next time. Nothing is kept once the session failed or closed.
    public mutating func endCiphertextLoan() {
        var keepsUnread = !receivedCloseNotify
        if case .failed = phase { keepsUnread = false }
        buffers.pointee.endLoan(keepingUnread: keepsUnread)
    }

    /// Ciphertext copied into the session and not read by OpenSSL yet.
    var keptCiphertextCount: Int { buffers.pointee.kept.readableCount }

    /// Whether ciphertext that just arrived is for OpenSSL: not after a failure, and not
    /// when its first byte shows a plaintext HTTP request (answered in cleartext).
    private mutating func acceptsCiphertext(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty else { return false }
        switch phase {
        case .failed: return false
        case .awaitingFirstByte:
            if Self.startsPlaintextHTTP(bytes[0]) {
                cleartextReply = Self.plaintextHTTPReply
                phase = .failed(.plaintextHTTPRequest)
                return false
            }
            phase = .handshaking
        case .handshaking, .established: break
        }
        mayHoldInput = true
        return true
    }

    /// The socket reached end of stream (`read` returned 0): OpenSSL sees EOF after the
    /// buffered bytes, so a missing close_notify surfaces as ``TLSError/unexpectedEOF``.
    public mutating func receivedEndOfStream() {
        receivedEOF = true
        mayHoldInput = true
        buffers.pointee.receivedEndOfStream = true
    }

    /// Decrypts into `buffer`, driving the handshake as needed. Call until it returns
    /// something other than `.bytes`; see ``TLSReadResult``.
    public mutating func readPlaintext(into buffer: UnsafeMutableRawBufferPointer) -> TLSReadResult {
        precondition(!buffer.isEmpty, "TLSSession.readPlaintext needs a non-empty buffer")
        switch phase {
        case .failed(let error): return .failed(error)
        case .awaitingFirstByte: return receivedEOF ? .closed : .wantMoreCiphertext
        case .handshaking, .established: break
        }
        if receivedCloseNotify { return .closed }
        if let ownRecords { return readOwnRecords(ownRecords, into: buffer) }
        if case .established = phase, !mayHoldInput { return .wantMoreCiphertext }
        OpenSSLErrorQueue.clearIfNotEmpty()
        if capturedSecrets != nil, isHandshaking { return handshakeForOwnRecords(into: buffer) }
        var count = 0
        let status = SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &count)
        let error = status == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, status)
        let wasHandshaking = isHandshaking
        if wasHandshaking, isHandshakeComplete {
            phase = .established
            flushPendingPlaintext()
        }
        switch error {
        case SSL_ERROR_NONE:
            // No unread ciphertext and nothing in OpenSSL's record buffer: another SSL_read
            // could only answer WANT_READ (a whole failing pass through the record layer per
            // message), so the next call says so without asking.
            if case .established = phase, buffers.pointee.unreadCount == 0, SSL_has_pending(ssl) == 0 {
                mayHoldInput = false
            }
            recordsSinceReview &+= 1
            return .bytes(count)
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            // Memory BIOs never block on write, so WANT_WRITE only means "drain, then
            // wait for the peer", the same as WANT_READ.
            releaseDrainedBuffers()
            return .wantMoreCiphertext
        case SSL_ERROR_ZERO_RETURN:
            receivedCloseNotify = true
            return .closed
        default:
            let verifyResult = isClient && wasHandshaking ? SSL_get_verify_result(ssl) : Int(X509_V_OK)
            let failure = TLSError.fromErrorQueue(duringHandshake: wasHandshaking, verifyResult: verifyResult)
            phase = .failed(failure)
            return .failed(failure)
        }
    }

    // MARK: - Output

    /// Encrypts `bytes` (all of them) or queues them until the handshake finishes.
    public mutating func writePlaintext(_ bytes: UnsafeRawBufferPointer) -> TLSWriteResult {
        switch phase {
        case .failed(let error): return .failed(error)
        case .awaitingFirstByte, .handshaking:
            guard !sentCloseNotify else { return .failed(.sessionClosed) }
            pendingPlaintext.append(contentsOf: bytes)
            return .queued
        case .established: break
        }
        guard !sentCloseNotify else { return .failed(.sessionClosed) }
        guard !bytes.isEmpty else { return .written }
        if !pendingPlaintext.isEmpty {
            pendingPlaintext.append(contentsOf: bytes)
            flushPendingPlaintext()
            if case .failed(let error) = phase { return .failed(error) }
            return pendingPlaintext.isEmpty ? .written : .queued
        }
        switch encrypt(bytes) {
        case .written:
            recordsSinceReview &+= 1
            return .written
        case .retry:
            // OpenSSL remembers how far it got and must be retried with the same bytes:
            // keep all of them, the retry continues where it stopped.
            pendingPlaintext.append(contentsOf: bytes)
            return .queued
        case .failed(let error):
            phase = .failed(error)
            return .failed(error)
        }
    }

    /// Encrypts `bytes` like ``writePlaintext(_:)``, with the records appended straight to
    /// the end of `output` (after anything waiting to be drained, which goes first): the
    /// loop's cork, without a copy through the session.
    public mutating func writePlaintext(
        _ bytes: UnsafeRawBufferPointer, appendingCiphertextTo output: inout ByteWriter
    ) -> TLSWriteResult {
        if hasBytesToDrain { drainCiphertext(into: &output) }
        // OpenSSL's BIO appends to `records`: lend it `output` for the call (a swap moves
        // two words each way; no bytes are copied).
        swap(&output, &buffers.pointee.records)
        defer { swap(&output, &buffers.pointee.records) }
        return writePlaintext(bytes)
    }

    /// Moves everything waiting for the socket (handshake messages, records, alerts,
    /// or the cleartext 400) to the end of `output`. Call after any other method.
    public mutating func drainCiphertext(into output: inout ByteWriter) {
        if !cleartextReply.isEmpty {
            cleartextReply.withUnsafeBytes { output.append($0) }
            cleartextReply = []
        }
        if !buffers.pointee.records.isEmpty {
            let count = buffers.pointee.records.readableCount
            buffers.pointee.records.withUnsafeReadableBytes { output.append($0) }
            buffers.pointee.records.consume(count)
        }
        releaseDrainedBuffers()
    }

    /// Whether ``reviewBufferRetention()`` would change anything now: records moved since
    /// the last review, or the buffers are kept. Otherwise a review is a no-op, and the
    /// server's sweep need not visit the session.
    public var needsRetentionReview: Bool { ownRecords == nil && (recordsSinceReview > 0 || keepsRecordBuffers) }

    /// Keeps OpenSSL's record buffers (about 17 KiB each way) between records while the
    /// session is busy, and frees them once it is not: call periodically (the server's
    /// sweep, every 250 ms). With `SSL_MODE_RELEASE_BUFFERS` alone every message costs two
    /// `malloc`/`free` pairs of those buffers and about 1,200 instructions
    /// (Benchmarks/Throughput/TLSRoundTripCount); idle sessions still hold none.
    public mutating func reviewBufferRetention() {
        let busy = recordsSinceReview >= Self.busyRecordsPerReview
        recordsSinceReview = 0
        guard ownRecords == nil, contextReleasesBuffers, busy != keepsRecordBuffers, case .established = phase else { return }
        keepsRecordBuffers = busy
        if busy {
            _ = fc_SSL_clear_mode(ssl, Int(SSL_MODE_RELEASE_BUFFERS))
        } else {
            _ = fc_SSL_set_mode(ssl, Int(SSL_MODE_RELEASE_BUFFERS))
            // Frees both now unless a record is half read or half written; then the mode
            // frees them after that record.
            _ = SSL_free_buffers(ssl)
        }
    }

    /// Queues close_notify (RFC 8446 §6.1: "Each party MUST send a close_notify alert
    /// before closing its write side"); drain and flush it, then close the socket.
    /// Before the handshake finished there is nothing to close: no alert is queued and
    /// pending plaintext is dropped.
    public mutating func shutdown() {
        guard !sentCloseNotify else { return }
        sentCloseNotify = true
        pendingPlaintext = []
        guard case .established = phase else { return }
        if let ownRecords {
            _ = ownRecords.sealAlert(.closeNotify, into: &buffers.pointee.records)
            return
        }
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    // MARK: - Internals

    private var isHandshaking: Bool {
        if case .handshaking = phase { return true }
        return false
    }

    private enum EncryptOutcome {
        case written, retry, failed(TLSError)
    }

    /// One SSL_write_ex over all of `bytes` (partial writes are off, so success means
    /// every byte became records).
    private func encrypt(_ bytes: UnsafeRawBufferPointer) -> EncryptOutcome {
        if let ownRecords {
            guard ownRecords.seal(bytes, as: .applicationData, into: &buffers.pointee.records) else {
                return .failed(.protocolFailure(reason: "record encryption failed"))
            }
            return .written
        }
        OpenSSLErrorQueue.clearIfNotEmpty()
        var written = 0
        let status = SSL_write_ex(ssl, bytes.baseAddress, bytes.count, &written)
        if status == 1 { return .written }
        switch SSL_get_error(ssl, status) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .retry
        default: return .failed(TLSError.fromErrorQueue(duringHandshake: false))
        }
    }

    /// Encrypts the pending queue once the handshake is done.
    private mutating func flushPendingPlaintext() {
        guard !pendingPlaintext.isEmpty, case .established = phase, !sentCloseNotify else { return }
        let outcome = pendingPlaintext.withUnsafeBytes { encrypt($0) }
        switch outcome {
        case .written: pendingPlaintext = []
        case .retry: break
        case .failed(let error): phase = .failed(error)
        }
    }

    /// Releases each empty ciphertext buffer whose store is larger than the retention
    /// limit (or than 0, the first time after the handshake completed).
    private mutating func releaseDrainedBuffers() {
        var limit = Self.bufferRetentionLimit
        if !releasedHandshakeBuffers, case .established = phase {
            limit = 0
            releasedHandshakeBuffers = true
        }
        if buffers.pointee.records.isEmpty, buffers.pointee.records.capacity > limit {
            buffers.pointee.records.reset(keepingCapacityUpTo: limit)
        }
        if buffers.pointee.kept.isEmpty, buffers.pointee.kept.capacity > limit {
            buffers.pointee.kept.reset(keepingCapacityUpTo: limit)
        }
    }
}

// MARK: - TLS 1.3 records of our own

extension TLSSession {
    /// Makes a server `SSL_CTX` hand its sessions their TLS 1.3 traffic secrets, which a
    /// context that offloads records (``TLSContextProviding/offloadsTLS13Records``) needs.
    /// OpenSSL 3.0's only way out for them is the key-log callback; it writes them only into
    /// a session that asked, never to a file. Call while configuring the context.
    public static func captureTrafficSecrets(of sslContext: OpaquePointer) {
        fc_SSL_CTX_capture_tls13_secrets(sslContext)
    }

    /// Drives a server handshake whose records this session may take over: the handshake
    /// alone (`SSL_do_handshake`, which stops after the client's Finished), then the
    /// hand-over, then the first read.
    private mutating func handshakeForOwnRecords(into buffer: UnsafeMutableRawBufferPointer) -> TLSReadResult {
        let status = SSL_do_handshake(ssl)
        if status == 1 {
            phase = .established
            takeOverRecords()
            flushPendingPlaintext()
            if case .failed(let error) = phase { return .failed(error) }
            return readPlaintext(into: buffer)
        }
        switch SSL_get_error(ssl, status) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            releaseDrainedBuffers()
            return .wantMoreCiphertext
        default:
            let failure = TLSError.fromErrorQueue(duringHandshake: true)
            phase = .failed(failure)
            return .failed(failure)
        }
    }

    /// At the end of the handshake: a TLS 1.3 connection with an AEAD suite continues on
    /// ``TLS13RecordLayer``, anything else on OpenSSL (with read-ahead back on). The
    /// captured secrets are zeroed either way.
    private mutating func takeOverRecords() {
        guard let secrets = capturedSecrets else { return }
        capturedSecrets = nil
        _ = fc_SSL_set_tls13_secrets(ssl, nil)
        defer { Self.destroy(secrets) }
        // Both sides' first application records are number 0: OpenSSL sent no ticket (the
        // context asks for none) and, reading without read-ahead, nothing past the
        // client's Finished. Anything else and OpenSSL keeps the records.
        let clientLength = Int(secrets.pointee.client_length), serverLength = Int(secrets.pointee.server_length)
        guard SSL_version(ssl) == TLS1_3_VERSION, SSL_get_num_tickets(ssl) == 0, SSL_has_pending(ssl) == 0,
            clientLength > 0, serverLength > 0, let cipher = SSL_get_current_cipher(ssl)
        else {
            SSL_set_read_ahead(ssl, 1)
            return
        }
        let suite = SSL_CIPHER_get_protocol_id(cipher)
        let layer = withUnsafeBytes(of: &secrets.pointee.client) { client in
            withUnsafeBytes(of: &secrets.pointee.server) { server in
                TLS13RecordLayer(
                    suiteCode: suite, clientSecret: UnsafeRawBufferPointer(rebasing: client[0..<clientLength]),
                    serverSecret: UnsafeRawBufferPointer(rebasing: server[0..<serverLength]), isServer: true)
            }
        }
        guard let layer else {
            SSL_set_read_ahead(ssl, 1)
            return
        }
        ownRecords = layer
        // OpenSSL reads and writes no more records: keep what the handshake negotiated and
        // free the `SSL` (about 15 KiB an idle session no longer holds) and its BIO.
        negotiated = (negotiatedALPN, layer.suite)
        SSL_free(ssl)
        sslHandle = nil
    }

    /// ``readPlaintext(into:)`` once the records are ours.
    private mutating func readOwnRecords(_ layer: TLS13RecordLayer, into buffer: UnsafeMutableRawBufferPointer) -> TLSReadResult {
        // Replies (a KeyUpdate, an alert) go where OpenSSL's would: to the records to drain.
        var replies = ByteWriter()
        swap(&replies, &buffers.pointee.records)
        let outcome = layer.read(from: buffers, into: buffer, replies: &replies)
        defer { swap(&replies, &buffers.pointee.records) }
        switch outcome {
        case .bytes(let count):
            return .bytes(count)
        case .needsCiphertext:
            guard buffers.pointee.receivedEndOfStream else { return .wantMoreCiphertext }
            phase = .failed(.unexpectedEOF)
            return .failed(.unexpectedEOF)
        case .closeNotify:
            receivedCloseNotify = true
            return .closed
        case .failed(let failure):
            if let alert = failure.alert { _ = layer.sealAlert(alert, into: &replies) }
            let error = TLSError.protocolFailure(reason: failure.reason)
            phase = .failed(error)
            return .failed(error)
        }
    }

    /// Zeroes and frees captured secrets.
    private static func destroy(_ secrets: UnsafeMutablePointer<fc_tls13_secrets>) {
        OPENSSL_cleanse(secrets, MemoryLayout<fc_tls13_secrets>.size)
        secrets.deallocate()
    }
}

// MARK: - Plaintext HTTP on the TLS port

extension TLSSession {
    /// True when `byte` cannot start a TLS record but can start an HTTP request line.
    ///
    /// A TLS connection opens with a record whose content type is 20–24 (RFC 8446 §5.1;
    /// a ClientHello is 22 = 0x16). An HTTP/1.1 request opens with a method token
    /// (RFC 9110 §9), and every registered method is upper-case ASCII (GET, POST, HEAD,
    /// PUT, OPTIONS, …). So one byte decides, without waiting for more.
    static func startsPlaintextHTTP(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
    }

    /// The cleartext answer to a plaintext HTTP request on the TLS port.
    ///
    /// Decision: answer instead of just closing. Nothing about the TLS handshake is
    /// leaked (no TLS byte was exchanged yet), and a developer who typed `ws://` or
    /// `http://` sees why it fails instead of "connection reset" (nginx does the same
    /// with its status 497 page). The connection then closes after the flush.
    static let plaintextHTTPReply: [UInt8] = {
        let body = "This port speaks TLS. Use https:// or wss:// instead.\n"
        let head =
            "HTTP/1.1 400 Bad Request\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n"
        return Array((head + body).utf8)
    }()
}
