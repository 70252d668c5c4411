import COpenSSL
import Glibc

/// The client `SSL_CTX` of a `wss://` run: TLS 1.2+, the server certificate verified against
/// `caFile` (or the system store) and the target host name.
final class TLSClientContext: @unchecked Sendable {
    // @unchecked Sendable: created on the main thread before the loops start; afterwards
    // only SSL_new reads it, which OpenSSL allows from any thread (SSL_CTX is reference
    // counted and internally locked).
    let pointer: OpaquePointer
    let host: String

    init(caFile: String?, host: String) throws(SocketFailure) {
        guard let method = TLS_client_method(), let context = SSL_CTX_new(method) else {
            throw SocketFailure(call: "SSL_CTX_new", errno: ENOMEM)
        }
        _ = fc_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
        // Partial writes and a moving buffer: output is retried from a ByteWriter that may
        // have grown in between.
        _ = fc_SSL_CTX_set_mode(context, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS))
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let loaded = caFile.map { SSL_CTX_load_verify_locations(context, $0, nil) } ?? SSL_CTX_set_default_verify_paths(context)
        guard loaded == 1 else {
            SSL_CTX_free(context)
            throw SocketFailure(call: "SSL_CTX_load_verify_locations(\(caFile ?? "system store"))", errno: ENOENT)
        }
        pointer = context
        self.host = host
    }

    deinit { SSL_CTX_free(pointer) }
}

/// One TLS connection driven over a non-blocking socket with `SSL_set_fd`.
/// Owned by one connection on its loop thread.
struct TLSClientConnection: ~Copyable {
    enum Step: Equatable {
        case done(Int)
        case wantRead
        case wantWrite
        /// Clean close_notify or EOF.
        case closed
        case failed(String)
    }

    private let ssl: OpaquePointer

    init(context: TLSClientContext, fd: Int32) throws(SocketFailure) {
        guard let ssl = SSL_new(context.pointer) else { throw SocketFailure(call: "SSL_new", errno: ENOMEM) }
        SSL_set_fd(ssl, fd)
        SSL_set_connect_state(ssl)
        var address = in_addr()
        if inet_pton(AF_INET, context.host, &address) == 1 {
            // RFC 6066 §3: no IP literals in SNI; the certificate must carry the address
            // as an iPAddress subjectAltName.
            _ = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), context.host)
        } else {
            _ = fc_SSL_set_tlsext_host_name(ssl, context.host)
            // Verify the certificate names the host we connected to (RFC 6125).
            _ = SSL_set1_host(ssl, context.host)
        }
        self.ssl = ssl
    }

    deinit { SSL_free(ssl) }

    /// Continues the handshake.
    func handshake() -> Step {
        ERR_clear_error()
        let status = SSL_do_handshake(ssl)
        return status == 1 ? .done(0) : step(status)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Step {
        ERR_clear_error()
        let status = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        return status > 0 ? .done(Int(status)) : step(status)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Step {
        guard !bytes.isEmpty else { return .done(0) }
        ERR_clear_error()
        let status = SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        return status > 0 ? .done(Int(status)) : step(status)
    }

    /// Plaintext OpenSSL holds already decrypted (read it before waiting for the socket).
    var hasPendingPlaintext: Bool { SSL_pending(ssl) > 0 }

    private func step(_ status: Int32) -> Step {
        switch SSL_get_error(ssl, status) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            let code = ERR_peek_error()
            return code == 0 ? (errno == 0 ? .closed : .failed("TLS: \(String(cString: strerror(errno)))")) : .failed(Self.describe(code))
        default:
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK { return .failed("TLS certificate: \(String(cString: X509_verify_cert_error_string(verify)))") }
            return .failed(Self.describe(ERR_peek_error()))
        }
    }

    private static func describe(_ code: UInt) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return "TLS: " + String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
