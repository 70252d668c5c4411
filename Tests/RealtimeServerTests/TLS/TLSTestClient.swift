@testable import CoachingCore
import COpenSSL

/// A TLS client written directly against OpenSSL, over memory BIOs, so tests can run a
/// real handshake against ``TLSSession`` without sockets. It verifies the server's
/// chain against a CA file and the hostname (or IP address), like a browser would.
final class TLSTestClient {
    struct Options {
        var trustRoots: String
        var hostname: String? = "localhost"
        var ipAddress: String? = nil
        var alpn: [String] = ["http/1.1"]
        var minimumVersion: Int32 = TLS1_2_VERSION
        var maximumVersion: Int32 = TLS1_3_VERSION
        var tls12CipherList: String? = nil
        /// TLS 1.3 suites offered, in the client's order (nil: OpenSSL's default order,
        /// AES-256-GCM first).
        var tls13CipherSuites: String? = nil
        /// Keep the TLS 1.3 traffic secrets (``secrets``), so a test can seal records
        /// this client would never send.
        var capturesSecrets = false
    }

    private let context: OpaquePointer
    let ssl: OpaquePointer
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer
    /// Plaintext received from the server.
    var received: [UInt8] = []
    /// True after the server's close_notify was read.
    var sawCloseNotify = false
    /// The first fatal SSL_get_error code and the error queue at that point.
    var failure: (code: Int32, reason: String)?
    /// The traffic secrets of generation 0 when ``Options/capturesSecrets`` was set.
    let secrets: UnsafeMutablePointer<fc_tls13_secrets>?

    init(_ options: Options) {
        guard let context = SSL_CTX_new(TLS_client_method()) else { fatalError("SSL_CTX_new") }
        self.context = context
        _ = fc_SSL_CTX_set_min_proto_version(context, options.minimumVersion)
        _ = fc_SSL_CTX_set_max_proto_version(context, options.maximumVersion)
        if let list = options.tls12CipherList { _ = SSL_CTX_set_cipher_list(context, list) }
        if let suites = options.tls13CipherSuites { precondition(SSL_CTX_set_ciphersuites(context, suites) == 1) }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        precondition(SSL_CTX_load_verify_locations(context, options.trustRoots, nil) == 1)
        guard let ssl = SSL_new(context), let rbio = BIO_new(BIO_s_mem()), let wbio = BIO_new(BIO_s_mem())
        else { fatalError("SSL_new") }
        self.ssl = ssl
        readBIO = rbio
        writeBIO = wbio
        SSL_set_bio(ssl, rbio, wbio)
        SSL_set_connect_state(ssl)
        if options.capturesSecrets {
            let secrets = UnsafeMutablePointer<fc_tls13_secrets>.allocate(capacity: 1)
            secrets.initialize(to: fc_tls13_secrets())
            fc_SSL_CTX_capture_tls13_secrets(context)
            _ = fc_SSL_set_tls13_secrets(ssl, secrets)
            self.secrets = secrets
        } else {
            self.secrets = nil
        }
        if let hostname = options.hostname {
            _ = fc_SSL_set_tlsext_host_name(ssl, hostname)
            precondition(SSL_set1_host(ssl, hostname) == 1)
        }
        if let ip = options.ipAddress {
            precondition(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ip) == 1)
        }
        if !options.alpn.isEmpty {
            var wire: [UInt8] = []
            for name in options.alpn {
                wire.append(UInt8(name.utf8.count))
                wire.append(contentsOf: name.utf8)
            }
            precondition(SSL_set_alpn_protos(ssl, wire, UInt32(wire.count)) == 0)
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
        secrets?.deallocate()
    }

    var isHandshakeComplete: Bool { SSL_is_init_finished(ssl) == 1 }
    var verifyResult: Int { SSL_get_verify_result(ssl) }
    var negotiatedVersion: Int32 { SSL_version(ssl) }

    /// The server certificate's subject, e.g. "/CN=localhost".
    var peerSubject: String? {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        guard let name = X509_get_subject_name(certificate) else { return nil }
        var buffer = [CChar](repeating: 0, count: 256)
        guard X509_NAME_oneline(name, &buffer, 256) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Ciphertext the server sent.
    func receive(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        precondition(BIO_write(readBIO, bytes, Int32(bytes.count)) == Int32(bytes.count))
    }

    /// Ciphertext for the server.
    func takeOutput() -> [UInt8] {
        let pending = Int(BIO_ctrl_pending(writeBIO))
        guard pending > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = BIO_read(writeBIO, &bytes, Int32(pending))
        return Array(bytes.prefix(Int(max(0, read))))
    }

    /// Advances the handshake, or reads all available plaintext once it is done.
    func step() {
        guard failure == nil, !sawCloseNotify else { return }
        ERR_clear_error()
        if !isHandshakeComplete {
            let status = SSL_do_handshake(ssl)
            if status != 1 { record(status) }
            if !isHandshakeComplete { return }
        }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            var count = 0
            let status = SSL_read_ex(ssl, &buffer, buffer.count, &count)
            if status == 1 {
                received.append(contentsOf: buffer[0..<count])
                continue
            }
            record(status)
            return
        }
    }

    /// Encrypts `bytes` into the output (after the handshake).
    func write(_ bytes: [UInt8]) {
        var written = 0
        let status = SSL_write_ex(ssl, bytes, bytes.count, &written)
        precondition(status == 1 && written == bytes.count, "client SSL_write failed")
    }

    /// Queues the client's close_notify.
    func shutdown() { _ = SSL_shutdown(ssl) }

    private func record(_ status: Int32) {
        let code = SSL_get_error(ssl, status)
        switch code {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return
        case SSL_ERROR_ZERO_RETURN: sawCloseNotify = true
        default:
            var reasons: [String] = []
            while case let error = ERR_get_error(), error != 0 {
                if let text = ERR_reason_error_string(error) { reasons.append(String(cString: text)) }
            }
            failure = (code, reasons.joined(separator: "; "))
        }
    }
}
