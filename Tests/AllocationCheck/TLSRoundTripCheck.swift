// `flowcoach-alloc-check tls-round-trip CERT.pem KEY.pem ROUNDS`: the server's TLS work per
// message at C=100 P=1 (TLSRoundTrips.swift), set up as the server's: TLS 1.3 records through
// LoopKit's own record layer after OpenSSL's handshake, the AEADs dispatched as `TLSContext`
// installs them (`BuiltInRecordCiphers`), AES-128-GCM first in the server's order.
// scripts/check-instructions.sh counts `serverTurn` with callgrind for two round counts.
import COpenSSL
import Glibc
import LoopKit

/// A bare `SSL_CTX`: the server's with the certificate, key, modes and suite order the
/// server uses; the client's without verification (the check measures records, not trust).
final class BareTLSContext: TLSContextProviding, @unchecked Sendable {
    // @unchecked Sendable: created and used on the main thread only.
    let sslContext: OpaquePointer
    /// The server's TLS 1.3 records through `TLS13RecordLayer`, as `TLSContext` does by
    /// default (`BENCH_OPENSSL_RECORDS=1`: OpenSSL's record layer).
    let offloadsTLS13Records: Bool

    init(certificate: String? = nil, key: String? = nil) {
        guard let method = certificate == nil ? TLS_client_method() : TLS_server_method(), let context = SSL_CTX_new(method)
        else { fatalError("SSL_CTX_new failed") }
        if let certificate, let key {
            guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1,
                SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1
            else { fatalError("cannot load \(certificate) / \(key)") }
            _ = fc_SSL_CTX_set_mode(context, Int(SSL_MODE_RELEASE_BUFFERS) | Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
            _ = SSL_CTX_set_options(context, fc_SSL_OP_CIPHER_SERVER_PREFERENCE | fc_SSL_OP_NO_TICKET)
            _ = SSL_CTX_set_num_tickets(context, 0)
            _ = SSL_CTX_set_ciphersuites(context, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256")
        }
        offloadsTLS13Records = certificate != nil && getenv("BENCH_OPENSSL_RECORDS") == nil
        if offloadsTLS13Records { TLSSession.captureTrafficSecrets(of: context) }
        sslContext = context
    }

    deinit { SSL_CTX_free(sslContext) }
}

/// The `tls-round-trip` mode: a handshake, 1,000 warm-up rounds, then `count` more. Under
/// the malloc-counting interposer it also counts the server's allocations in those `count`
/// rounds (scripts/check-allocations.sh), and exits 1 unless there are none.
func runTLSRoundTrips(certificate: String, key: String, count: Int) {
    print("record ciphers: \(BuiltInRecordCiphers.install())")
    do {
        let trips = try TLSRoundTrips(
            serverContext: BareTLSContext(certificate: certificate, key: key), clientContext: BareTLSContext(),
            loop: TLSLoopBuffers(), mallocCount: threadCount)
        trips.handshake()
        for _ in 0..<1_000 { _ = trips.roundTrip() }
        var mallocs: UInt64 = 0
        for _ in 0..<count { mallocs += trips.roundTrip() }
        print("tls-round-trip: \(count) round trips after 1000 warm-up ones")
        if threadCount != nil {
            print("TLSRoundTrip: \(mallocs) allocations in \(count) rounds")
            if mallocs > 0 { exit(1) }
        }
    } catch {
        print("error: \(error)")
        exit(1)
    }
}
