import COpenSSL
import Glibc
import LoopKit

/// The client `SSL_CTX` of a `wss://` run: TLS 1.2+, the server certificate verified against
/// `caFile` (or the system store). Each connection makes a LoopKit `TLSSession` from it with
/// the target host as the name to verify (`TLSSession(clientContext:serverName:)`).
final class TLSClientContext: TLSContextProviding, @unchecked Sendable {
    // @unchecked Sendable: created on the main thread before the loops start; afterwards
    // only SSL_new reads it, which OpenSSL allows from any thread (SSL_CTX is reference
    // counted and internally locked).
    let sslContext: OpaquePointer
    /// The host name or address the server's certificate must name.
    let host: String

    init(caFile: String?, host: String) throws(SocketError) {
        // As the server does (before SSL_CTX_new, which picks the record ciphers): a load
        // generator that spends less on its own records drives the server harder.
        _ = BuiltInRecordCiphers.install()
        guard let method = TLS_client_method(), let context = SSL_CTX_new(method) else {
            throw SocketError(call: "SSL_CTX_new", errno: ENOMEM)
        }
        _ = fc_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
        // No partial writes: a TLSSession encrypts everything it is given at once. Output
        // is retried from a ByteWriter that may have moved in between; idle connections
        // hold no record buffers.
        _ = fc_SSL_CTX_set_mode(context, Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS))
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let loaded = caFile.map { SSL_CTX_load_verify_locations(context, $0, nil) } ?? SSL_CTX_set_default_verify_paths(context)
        guard loaded == 1 else {
            SSL_CTX_free(context)
            throw SocketError(call: "SSL_CTX_load_verify_locations(\(caFile ?? "system store"))", errno: ENOENT)
        }
        sslContext = context
        self.host = host
    }

    deinit { SSL_CTX_free(sslContext) }
}
